package org.ntk4j.examples.demo;

import java.util.ArrayList;
import java.util.List;

/**
 * A small document model rendered both as Markdown and as a self-contained HTML page (inline CSS, images by
 * relative path), so that {@code report.md} and {@code report.html} say the same thing.
 */
final class ReportDoc {
    /** One block, rendered in both formats. */
    private interface Block {
        void markdown(StringBuilder b);

        void html(StringBuilder b);
    }

    private record Heading(int level, String text) implements Block {
        public void markdown(StringBuilder b) {
            b.append("#".repeat(level)).append(' ').append(text).append("\n\n");
        }

        public void html(StringBuilder b) {
            b.append("<h").append(level).append('>').append(esc(text)).append("</h").append(level).append(">\n");
        }
    }

    /** A paragraph; {@code `code`} spans and {@code [text](href)} links are the only markup. */
    private record Para(String text) implements Block {
        public void markdown(StringBuilder b) {
            b.append(text).append("\n\n");
        }

        public void html(StringBuilder b) {
            b.append("<p>").append(inline(text)).append("</p>\n");
        }
    }

    private record Figure(String file, String alt, String caption) implements Block {
        public void markdown(StringBuilder b) {
            b.append("![").append(alt).append("](").append(file).append(")\n\n*").append(caption).append("*\n\n");
        }

        public void html(StringBuilder b) {
            b.append("<figure><a href=\"").append(esc(file)).append("\"><img src=\"").append(esc(file))
                    .append("\" alt=\"").append(esc(alt)).append("\"></a><figcaption>").append(inline(caption))
                    .append("</figcaption></figure>\n");
        }
    }

    private record Table(List<String> header, List<List<String>> rows) implements Block {
        public void markdown(StringBuilder b) {
            b.append("| ").append(String.join(" | ", header)).append(" |\n|");
            b.append("---|".repeat(header.size())).append('\n');
            for (List<String> r : rows) {
                b.append("| ").append(String.join(" | ", r)).append(" |\n");
            }
            b.append('\n');
        }

        public void html(StringBuilder b) {
            b.append("<table>\n<tr>");
            header.forEach(h -> b.append("<th>").append(inline(h)).append("</th>"));
            b.append("</tr>\n");
            for (List<String> r : rows) {
                b.append("<tr>");
                r.forEach(c -> b.append("<td>").append(inline(c)).append("</td>"));
                b.append("</tr>\n");
            }
            b.append("</table>\n");
        }
    }

    private record Code(String text) implements Block {
        public void markdown(StringBuilder b) {
            b.append("```\n").append(text).append(text.endsWith("\n") ? "" : "\n").append("```\n\n");
        }

        public void html(StringBuilder b) {
            b.append("<pre>").append(esc(text)).append("</pre>\n");
        }
    }

    private final String title;
    private final List<Block> blocks = new ArrayList<>();

    ReportDoc(String title) {
        this.title = title;
    }

    ReportDoc heading(String text) {
        blocks.add(new Heading(2, text));
        return this;
    }

    ReportDoc para(String text) {
        blocks.add(new Para(text));
        return this;
    }

    ReportDoc figure(String file, String alt, String caption) {
        blocks.add(new Figure(file, alt, caption));
        return this;
    }

    ReportDoc table(List<String> header, List<List<String>> rows) {
        blocks.add(new Table(List.copyOf(header), rows.stream().map(List::copyOf).toList()));
        return this;
    }

    ReportDoc code(String text) {
        blocks.add(new Code(text));
        return this;
    }

    String markdown() {
        StringBuilder b = new StringBuilder("# ").append(title).append("\n\n");
        blocks.forEach(x -> x.markdown(b));
        return b.toString();
    }

    String html() {
        StringBuilder b = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>").append(esc(title)).append("</title>\n<style>\n")
                .append("body{font-family:sans-serif;max-width:1060px;margin:2em auto;padding:0 1em;line-height:1.45;color:#222}\n")
                .append("img{max-width:100%;border:1px solid #ccc}\nfigure{margin:1.5em 0}\n")
                .append("figcaption{font-size:0.95em;color:#444;margin-top:0.4em}\n")
                .append("table{border-collapse:collapse;margin:1em 0}\n")
                .append("th,td{border:1px solid #bbb;padding:4px 8px;text-align:left;vertical-align:top}\n")
                .append("th{background:#f0f0f0}\ncode,pre{background:#f6f6f6;font-size:0.92em}\npre{padding:0.6em;overflow-x:auto}\n")
                .append("</style>\n</head>\n<body>\n<h1>").append(esc(title)).append("</h1>\n");
        blocks.forEach(x -> x.html(b));
        return b.append("</body>\n</html>\n").toString();
    }

    /** Escapes HTML and turns {@code `x`} into {@code <code>x</code>} and {@code [t](href)} into a link. */
    static String inline(String s) {
        String e = esc(s);
        e = e.replaceAll("`([^`]+)`", "<code>$1</code>");
        return e.replaceAll("\\[([^\\]]+)\\]\\(([^)\\s]+)\\)", "<a href=\"$2\">$1</a>");
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}

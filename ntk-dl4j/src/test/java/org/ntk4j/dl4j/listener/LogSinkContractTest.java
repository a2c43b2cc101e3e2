package org.ntk4j.dl4j.listener;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@link NtkSinks#log(org.slf4j.Logger)} keeps the {@link NtkSink} contract; one INFO line per snapshot. */
class LogSinkContractTest extends NtkSinkContract {
    private static final Pattern LINE = Pattern.compile("^NTK iteration (\\d+) epoch \\d+: drift .*");
    private final List<ListAppender<ILoggingEvent>> appenders = new ArrayList<>();
    private final List<Logger> loggers = new ArrayList<>();

    @Override
    protected NtkSink sink(Path dir) {
        Logger logger = (Logger) LoggerFactory.getLogger("ntk4j.contract." + dir.getFileName());
        logger.setLevel(Level.INFO);
        logger.setAdditive(false);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.setName(dir.toString());
        appender.start();
        logger.addAppender(appender);
        appenders.add(appender);
        loggers.add(logger);
        return NtkSinks.log(logger);
    }

    @Override
    protected List<Long> recorded(Path dir) {
        ListAppender<?> appender = null;
        for (ListAppender<ILoggingEvent> a : appenders) {
            if (a.getName().equals(dir.toString())) {
                appender = a;
            }
        }
        List<Long> out = new ArrayList<>();
        if (appender == null) {
            return out;
        }
        for (Object e : appender.list) {
            String m = ((ILoggingEvent) e).getFormattedMessage();
            Matcher matcher = LINE.matcher(m);
            org.junit.jupiter.api.Assertions.assertTrue(matcher.matches(), m);
            out.add(Long.parseLong(matcher.group(1)));
        }
        return out;
    }

    @Override
    protected NtkSink unwritable(Path dir) {
        return null; // a logger cannot fail to write
    }

    @AfterEach
    void detach() {
        for (int i = 0; i < loggers.size(); i++) {
            loggers.get(i).detachAppender(appenders.get(i));
            loggers.get(i).setLevel(null);
            loggers.get(i).setAdditive(true);
        }
    }
}

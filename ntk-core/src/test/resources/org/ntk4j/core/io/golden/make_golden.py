#!/usr/bin/env python3
"""Writes the golden array files read back by ArrayFilesGoldenTest (and the CLI end-to-end test).

Every file is written by numpy itself (np.save, np.lib.format.write_array, np.savez, np.savez_compressed, np.savetxt)
or is a numpy file broken on purpose. MANIFEST.txt lists, one file per line:
    name|ok|shape|type|values       type: the ND4J type it must be read as; values: repr() of every element in C
                                    order, comma-separated
    name|error|substring            the refusal must contain this text
Run from this directory: python3 make_golden.py   (numpy >= 1.17)
"""
import io
import os
import zipfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
rows = []

# features [4, 3]: small exact values, the same in every numeric type (non-negative for unsigned ones)
SIGNED = np.array([[-2, 0, 3], [1, -1, 2], [4, 2, -3], [0, 1, 1]])
UNSIGNED = np.array([[2, 0, 3], [1, 5, 2], [4, 2, 7], [0, 1, 1]])
FLOATS = SIGNED / 4.0 + np.array([[0.5, -0.125, 0.0625], [0, 0.25, 0.5], [-0.5, 1.5, 0.75], [2, 0.125, -1]])


def values(a):
    flat = np.ascontiguousarray(a).ravel(order="C")
    if a.dtype.kind == "f":
        return ",".join(repr(float(v)) for v in flat)
    return ",".join(str(int(v)) for v in flat)


# numpy type -> the ND4J type ArrayFiles reads it as (unsigned types widen to the next signed type)
ND4J = {"f8": "DOUBLE", "f4": "FLOAT", "f2": "HALF", "i1": "BYTE", "i2": "SHORT", "i4": "INT", "i8": "LONG",
        "u1": "SHORT", "u2": "INT", "u4": "LONG", "u8": "LONG"}


def nd4j(a):
    return ND4J[a.dtype.str[1:]]


def ok(name, a, data=None):
    path = os.path.join(HERE, name)
    if data is None:
        np.save(path, a, allow_pickle=False)
    else:
        with open(path, "wb") as f:
            f.write(data)
    rows.append(f"{name}|ok|{','.join(str(d) for d in a.shape)}|{nd4j(a)}|{values(a)}")


def bad(name, data, why):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)
    rows.append(f"{name}|error|{why}")


def npy_bytes(a, version=None):
    b = io.BytesIO()
    if version is None:
        np.save(b, a, allow_pickle=True)
    else:
        np.lib.format.write_array(b, a, version=version, allow_pickle=False)
    return b.getvalue()


# --- layouts, byte orders and types of the [4, 3] features
for t in ["<f8", ">f8", "<f4", ">f4", "<f2", ">f2"]:
    a = FLOATS.astype(t)
    tag = ("be" if t[0] == ">" else "le") + "_" + t[1:]
    ok(f"x_c_{tag}.npy", a)
    ok(f"x_f_{tag}.npy", np.asfortranarray(a))
for t in ["|i1", "<i2", ">i2", "<i4", ">i4", "<i8", ">i8"]:
    a = SIGNED.astype(t)
    tag = ("be" if t[0] == ">" else "le") + "_" + t[1:]
    ok(f"x_c_{tag}.npy", a)
    ok(f"x_f_{tag}.npy", np.asfortranarray(a))
for t in ["|u1", "<u2", ">u2", "<u4", ">u4", "<u8", ">u8"]:
    a = UNSIGNED.astype(t)
    tag = ("be" if t[0] == ">" else "le") + "_" + t[1:]
    ok(f"x_c_{tag}.npy", a)
    ok(f"x_f_{tag}.npy", np.asfortranarray(a))

# --- format versions 2.0 and 3.0 (numpy writes them when asked, or for huge / non-latin-1 headers)
ok("x_v2.npy", FLOATS, npy_bytes(FLOATS, (2, 0)))
ok("x_v3.npy", FLOATS, npy_bytes(FLOATS, (3, 0)))

# --- ranks 0 to 4, empty arrays, extreme values
ok("r0.npy", np.array(3.25))
ok("r1.npy", np.array([1.5, -2.0, 0.0, 7.0, 1e-300]))
r3 = np.arange(24, dtype=np.float64).reshape(2, 3, 4) / 8
ok("r3_f.npy", np.asfortranarray(r3))
r4 = (np.arange(120, dtype=np.float32).reshape(2, 3, 4, 5) - 60) / 16
ok("r4_f_be.npy", np.asfortranarray(r4.astype(">f4")))
ok("empty.npy", np.zeros((0, 3)))
ok("f2_extremes.npy", np.array([65504.0, -65504.0, 2.0 ** -24, 2.0 ** -14, np.inf, -np.inf, 0.0, -0.0], dtype="<f2"))
ok("u8_max.npy", np.array([2 ** 63 - 1, 0, 1], dtype="<u8"))
ok("u4_max.npy", np.array([2 ** 32 - 1, 0], dtype=">u4"))

# --- archives
with open(os.path.join(HERE, "one.npz"), "wb") as f:
    np.savez(f, FLOATS)
rows.append(f"one.npz|ok|4,3|DOUBLE|{values(FLOATS)}")
with open(os.path.join(HERE, "one_compressed.npz"), "wb") as f:
    np.savez_compressed(f, x=np.asfortranarray(FLOATS.astype(">f8")))
rows.append(f"one_compressed.npz|ok|4,3|DOUBLE|{values(FLOATS)}")
with open(os.path.join(HERE, "two.npz"), "wb") as f:
    np.savez(f, x=FLOATS, y=SIGNED.astype("<i4"))
rows.append(f"two.npz:x|ok|4,3|DOUBLE|{values(FLOATS)}")
rows.append(f"two.npz:y|ok|4,3|INT|{values(SIGNED)}")
rows.append("two.npz|error|holds 2 arrays (x, y): name one")
rows.append("two.npz:z|error|holds no array 'z'")

# --- CSV files numpy (and people) write
np.savetxt(os.path.join(HERE, "x.csv"), FLOATS, delimiter=",")
rows.append(f"x.csv|ok|4,3|DOUBLE|{values(FLOATS)}")
np.savetxt(os.path.join(HERE, "x_header.csv"), FLOATS, delimiter=",", header="f0,f1,f2", comments="")
rows.append(f"x_header.csv|ok|4,3|DOUBLE|{values(FLOATS)}")
np.savetxt(os.path.join(HERE, "x_spaces.txt"), FLOATS, header="written by np.savetxt with its defaults")
rows.append(f"x_spaces.txt|ok|4,3|DOUBLE|{values(FLOATS)}")
with open(os.path.join(HERE, "x_comments.csv"), "w") as f:
    f.write("# features, one example per line\n\nf0, f1, f2\n")
    for r in FLOATS:
        f.write(", ".join(repr(float(v)) for v in r) + "   # example\n\n")
rows.append(f"x_comments.csv|ok|4,3|DOUBLE|{values(FLOATS)}")

# --- broken files: every one must be refused, with this text in the message
good = npy_bytes(FLOATS)
bad("bad_truncated.npy", good[:-8], "truncated")
bad("bad_header_only.npy", good[:128], "(96 missing)")
bad("bad_too_long.npy", good + b"\0" * 8, "(8 more)")
bad("bad_no_magic.npy", b"NUMPY" + good[5:], "does not start with the magic bytes")
bad("bad_version.npy", good[:6] + b"\x04\x00" + good[8:], "version 4.0")
bad("bad_header_length.npy", good[:8] + b"\xff\xff" + good[10:], "truncated")
bad("bad_key.npy", good.replace(b"'fortran_order'", b"'fortran_ordeR'"), "unexpected key 'fortran_ordeR'")
bad("bad_shape.npy", good.replace(b"(4, 3)", b"(4, 4)"), "truncated")
bad("bad_bool.npy", npy_bytes(np.array([True, False])), "bool")
bad("bad_complex.npy", npy_bytes(np.array([1 + 2j])), "complex")
bad("bad_structured.npy", npy_bytes(np.zeros(2, dtype=[("a", "<f8"), ("b", "<i4")])), "structured")
bad("bad_object.npy", npy_bytes(np.array([{"a": 1}], dtype=object)), "Python objects")
bad("bad_unicode.npy", npy_bytes(np.array(["ab", "c"])), "unicode strings")
bad("bad_datetime.npy", npy_bytes(np.array(["2020-01-01"], dtype="datetime64[D]")), "datetimes")
bad("bad_longdouble.npy", npy_bytes(np.zeros(2, dtype=np.longdouble)), "float128")
bad("bad_u8_overflow.npy", npy_bytes(np.array([2 ** 63], dtype="<u8")), "above the int64 range")
bad("bad_empty.npy", b"", "truncated")
bad("bad_random.npy", bytes(range(200, 256)) * 3, "magic bytes")
with open(os.path.join(HERE, "one.npz"), "rb") as f:
    z = f.read()
bad("bad_truncated.npz", z[: len(z) // 2], "not a readable .npz")
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
    zf.writestr("x.npy", good[:-16])
bad("bad_entry_truncated.npz", buf.getvalue(), "truncated")
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
    zf.writestr("configuration.json", "{}")
bad("bad_not_npz.npz", buf.getvalue(), "holds no .npy entries")
bad("bad_number.csv", b"1.0,2.0,3.0\n4.0,x,6.0\n", "line 2 column 2 is not a number ('x')")
bad("bad_ragged.csv", b"1,2,3\n4,5\n", "line 2 has 2 columns")
bad("bad_mixed_header.csv", b"f0,1.5,f2\n1,2,3\n", "a header row must hold only names")
bad("bad_only_header.csv", b"a,b,c\n", "only a header")
bad("bad_java_suffix.csv", b"1.0d,2\n", "is not a number ('1.0d')")
bad("bad_binary.csv", bytes([0xff, 0xfe, 0x00, 0x31]) * 4, "not UTF-8")
bad("bad_npy_named_csv.csv", good, "holds a .npy array")

with open(os.path.join(HERE, "MANIFEST.txt"), "w") as f:
    f.write("# written by make_golden.py with numpy " + np.__version__ + "; name|ok|shape|type|values or name|error|text\n")
    f.write("\n".join(rows) + "\n")
print(len(rows), "golden cases")

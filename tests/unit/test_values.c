/* test_values.c: column values decoded and printed as mariadb-binlog does. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "proto/binlog.h"
#include "proto/value.h"
#include "tests/unit/t.h"

#define BASE 1000 /* absolute offset of the test buffers: errors must add it */

/*
 * One value: column type, metadata (normalised as value.c's table says),
 * signedness (-1 unknown), collation, the stored bytes in hex, and the kind,
 * `mariadb-binlog --base64-output=decode-rows -v` text and JSON text wanted.
 */
struct vcase {
	uint8_t type;
	uint16_t meta;
	int8_t uns;
	uint32_t charset;
	const char *hex;
	uint8_t kind;
	const char *binlog;
	const char *json;
};

/*
 * Verified against the real tool: rows written by a MariaDB 10.11 server
 * (binlog_format=ROW, utf8mb4) for tables of every column type at their
 * boundaries, each value's bytes cut out of the binlog, and the binlog text
 * being exactly what `TZ=UTC mariadb-binlog --base64-output=decode-rows -v`
 * printed for it. Strings cover latin1, utf8mb3/mb4, utf16, ucs2, utf32,
 * sjis and gbk columns (10.11 prints every charset's bytes as they are, only
 * bytes below 0x20 escaped; CHAR and BINARY values arrive without their
 * trailing pad, spaces or 0x00 bytes, VARBINARY keeps its trailing 0x00
 * bytes, and the decoder never adds or removes one). The old
 * TIME/DATETIME/TIMESTAMP formats come from tables created with
 * mysql56_temporal_format=OFF (and fraction 0: with fractions MariaDB writes
 * its "hires" layouts, which the table map does not describe, see the hires
 * cases below). A few values the server never
 * writes (NaN, infinities, negative zero DECIMALs, a VARCHAR holding every
 * byte value) were patched into such a binlog and printed by the same tool.
 * The JSON texts are ours (see value_print_json()).
 */
static const struct vcase verified[] = {
	{MYSQL_T_FLOAT, 4, -1, 0, "0000c07f", BV_FLOAT,
	    "nan                 ",
	    "\"NaN\""},
	{MYSQL_T_FLOAT, 4, -1, 0, "0000c0ff", BV_FLOAT,
	    "-nan                ",
	    "\"NaN\""},
	{MYSQL_T_FLOAT, 4, -1, 0, "0000807f", BV_FLOAT,
	    "inf                 ",
	    "\"Infinity\""},
	{MYSQL_T_FLOAT, 4, -1, 0, "00000080", BV_FLOAT,
	    "-0                  ",
	    "-0"},
	{MYSQL_T_DOUBLE, 8, -1, 0, "000000000000f87f", BV_DOUBLE,
	    "nan",
	    "\"NaN\""},
	{MYSQL_T_DOUBLE, 8, -1, 0, "000000000000f0ff", BV_DOUBLE,
	    "-inf",
	    "\"-Infinity\""},
	{MYSQL_T_DOUBLE, 8, -1, 0, "0000000000000080", BV_DOUBLE,
	    "-0",
	    "-0"},
	{MYSQL_T_DOUBLE, 8, -1, 0, "0100000000000000", BV_DOUBLE,
	    "4.9406564584124654418e-324",
	    "4.94065645841247e-324"},
	{MYSQL_T_NEWDECIMAL, 16670, -1, 0,
	    "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	    BV_DECIMAL,
	    "-0.000000000000000000000000000000",
	    "\"-0.000000000000000000000000000000\""},
	{MYSQL_T_NEWDECIMAL, 2560, -1, 0, "7fffffffff", BV_DECIMAL,
	    "0",
	    "\"0\""},
	{MYSQL_T_NEWDECIMAL, 1285, -1, 0, "7fffff", BV_DECIMAL,
	    "-0.00000",
	    "\"-0.00000\""},
	{MYSQL_T_NEWDECIMAL, 2562, -1, 0, "7fffffffff", BV_DECIMAL,
	    "-0.00",
	    "\"-0.00\""},
	{MYSQL_T_VARCHAR, 300, -1, 0,
	    "ef00eff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff000102030405060708090a0b0c"
	    "0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c"
	    "2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c"
	    "4d4e4f505152535455565758595a5b5c5d5e5f606162636465666768696a6b6c"
	    "6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c"
	    "8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabac"
	    "adaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcc"
	    "cdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdd",
	    BV_STRING,
	    "'\357\360\361\362\363\364\365\366\367\370\371\372\373\374\375"
	    "\376\377\\x00\\x01\\x02\\x03\\x04\\x05\\x06\\x07\\x08\\x09\\x0a"
	    "\\x0b\\x0c\\x0d\\x0e\\x0f\\x10\\x11\\x12\\x13\\x14\\x15\\x16\\x1"
	    "7\\x18\\x19\\x1a\\x1b\\x1c\\x1d\\x1e\\x1f !\"#$%&'()*+,-./012345"
	    "6789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrst"
	    "uvwxyz{|}~\177\200\201\202\203\204\205\206\207\210\211\212\213"
	    "\214\215\216\217\220\221\222\223\224\225\226\227\230\231\232\233"
	    "\234\235\236\237\240\241\242\243\244\245\246\247\250\251\252\253"
	    "\254\255\256\257\260\261\262\263\264\265\266\267\270\271\272\273"
	    "\274\275\276\277\300\301\302\303\304\305\306\307\310\311\312\313"
	    "\314\315\316\317\320\321\322\323\324\325\326\327\330\331\332\333"
	    "\334\335'",
	    "{\"base64\":\"7/Dx8vP09fb3+Pn6+/z9/v8AAQIDBAUGBwgJCgsMDQ4PEBESEx"
	    "QVFhcYGRobHB0eHyAhIiMkJSYnKCkqKywtLi8wMTIzNDU2Nzg5Ojs8PT4/QEFCQ0"
	    "RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl9gYWJjZGVmZ2hpamtsbW5vcHFyc3"
	    "R1dnd4eXp7fH1+f4CBgoOEhYaHiImKi4yNjo+QkZKTlJWWl5iZmpucnZ6foKGio6"
	    "SlpqeoqaqrrK2ur7CxsrO0tba3uLm6u7y9vr/AwcLDxMXGx8jJysvMzc7P0NHS09"
	    "TV1tfY2drb3N0=\"}"},
	{MYSQL_T_TINY, 0, -1, 0, "ff", BV_INT,
	    "-1 (255)",
	    "-1"},
	{MYSQL_T_LONG, 0, -1, 0, "ffffffff", BV_INT,
	    "-1 (4294967295)",
	    "-1"},
	{MYSQL_T_LONGLONG, 0, -1, 0, "ffffffffffffffff", BV_INT,
	    "-1 (18446744073709551615)",
	    "-1"},
	{MYSQL_T_FLOAT, 4, -1, 0, "0000c03f", BV_FLOAT,
	    "1.5                 ",
	    "1.5"},
	{MYSQL_T_DOUBLE, 8, -1, 0, "9a9999999999b93f", BV_DOUBLE,
	    "0.10000000000000000555",
	    "0.1"},
	{MYSQL_T_VARCHAR, 80, -1, 0, "0b6127625c63000a09783766", BV_STRING,
	    "'a'b\\c\\x00\\x0a\\x09x7f'",
	    "\"a'b\\\\c\\u0000\\n\\tx7f\""},
	{MYSQL_T_VARCHAR, 20, -1, 0, "04e95c2778", BV_STRING,
	    "'\351\\'x'",
	    "{\"base64\":\"6VwneA==\"}"},
	{MYSQL_T_STRING, 65044, -1, 0, "04f09f9880", BV_STRING,
	    "'\360\237\230\200'",
	    "\"\360\237\230\200\""},
	{MYSQL_T_STRING, 65030, -1, 0, "026162", BV_STRING,
	    "'ab'",
	    "\"ab\""},
	{MYSQL_T_ENUM, 63233, -1, 0, "02", BV_ENUM,
	    "2",
	    "2"},
	{MYSQL_T_SET, 63489, -1, 0, "05", BV_SET,
	    "b'00000101'",
	    "5"},
	{MYSQL_T_BIT, 258, -1, 0, "02aa", BV_BIT,
	    "b'1010101010'",
	    "682"},
	{MYSQL_T_YEAR, 0, -1, 0, "00", BV_YEAR,
	    "1900",
	    "0"},
	{MYSQL_T_DATE, 0, -1, 0, "3fc80f", BV_DATE,
	    "'2020:01:31'",
	    "\"2020-01-31\""},
	{MYSQL_T_NEWDECIMAL, 2562, -1, 0, "7fffffffcd", BV_DECIMAL,
	    "-0.50",
	    "\"-0.50\""},
	{MYSQL_T_TINY, 0, -1, 0, "80", BV_INT,
	    "-128 (128)",
	    "-128"},
	{MYSQL_T_TINY, 0, -1, 0, "00", BV_INT,
	    "0",
	    "0"},
	{MYSQL_T_SHORT, 0, -1, 0, "0080", BV_INT,
	    "-32768 (32768)",
	    "-32768"},
	{MYSQL_T_SHORT, 0, -1, 0, "0000", BV_INT,
	    "0",
	    "0"},
	{MYSQL_T_INT24, 0, -1, 0, "000080", BV_INT,
	    "-8388608 (8388608)",
	    "-8388608"},
	{MYSQL_T_INT24, 0, -1, 0, "000000", BV_INT,
	    "0",
	    "0"},
	{MYSQL_T_LONG, 0, -1, 0, "00000080", BV_INT,
	    "-2147483648 (2147483648)",
	    "-2147483648"},
	{MYSQL_T_LONG, 0, -1, 0, "00000000", BV_INT,
	    "0",
	    "0"},
	{MYSQL_T_LONGLONG, 0, -1, 0, "0000000000000080", BV_INT,
	    "-9223372036854775808 (9223372036854775808)",
	    "-9223372036854775808"},
	{MYSQL_T_LONGLONG, 0, -1, 0, "0000000000000000", BV_INT,
	    "0",
	    "0"},
	{MYSQL_T_TINY, 0, -1, 0, "7f", BV_INT,
	    "127",
	    "127"},
	{MYSQL_T_SHORT, 0, -1, 0, "ff7f", BV_INT,
	    "32767",
	    "32767"},
	{MYSQL_T_SHORT, 0, -1, 0, "ffff", BV_INT,
	    "-1 (65535)",
	    "-1"},
	{MYSQL_T_INT24, 0, -1, 0, "ffff7f", BV_INT,
	    "8388607",
	    "8388607"},
	{MYSQL_T_INT24, 0, -1, 0, "ffffff", BV_INT,
	    "-1 (16777215)",
	    "-1"},
	{MYSQL_T_LONG, 0, -1, 0, "ffffff7f", BV_INT,
	    "2147483647",
	    "2147483647"},
	{MYSQL_T_LONGLONG, 0, -1, 0, "ffffffffffffff7f", BV_INT,
	    "9223372036854775807",
	    "9223372036854775807"},
	{MYSQL_T_SHORT, 0, -1, 0, "feff", BV_INT,
	    "-2 (65534)",
	    "-2"},
	{MYSQL_T_INT24, 0, -1, 0, "fdffff", BV_INT,
	    "-3 (16777213)",
	    "-3"},
	{MYSQL_T_LONG, 0, -1, 0, "fcffffff", BV_INT,
	    "-4 (4294967292)",
	    "-4"},
	{MYSQL_T_LONGLONG, 0, -1, 0, "fbffffffffffffff", BV_INT,
	    "-5 (18446744073709551611)",
	    "-5"},
	{MYSQL_T_TINY, 0, -1, 0, "01", BV_INT,
	    "1",
	    "1"},
	{MYSQL_T_SHORT, 0, -1, 0, "0100", BV_INT,
	    "1",
	    "1"},
	{MYSQL_T_INT24, 0, -1, 0, "010000", BV_INT,
	    "1",
	    "1"},
	{MYSQL_T_LONG, 0, -1, 0, "01000000", BV_INT,
	    "1",
	    "1"},
	{MYSQL_T_LONGLONG, 0, -1, 0, "0100000000000000", BV_INT,
	    "1",
	    "1"},
	{MYSQL_T_FLOAT, 4, -1, 0, "00000000", BV_FLOAT,
	    "0                   ",
	    "0"},
	{MYSQL_T_DOUBLE, 8, -1, 0, "0000000000000000", BV_DOUBLE,
	    "0",
	    "0"},
	{MYSQL_T_DOUBLE, 8, -1, 0, "000000000000f83f", BV_DOUBLE,
	    "1.5",
	    "1.5"},
	{MYSQL_T_FLOAT, 4, -1, 0, "ffff7f7f", BV_FLOAT,
	    "3.40282e+38         ",
	    "3.4028235e+38"},
	{MYSQL_T_DOUBLE, 8, -1, 0, "ffffffffffffef7f", BV_DOUBLE,
	    "1.7976931348623157081e+308",
	    "1.7976931348623157e+308"},
	{MYSQL_T_FLOAT, 4, -1, 0, "25529ac4", BV_FLOAT,
	    "-1234.57            ",
	    "-1234.567"},
	{MYSQL_T_DOUBLE, 8, -1, 0, "ad697e54346f9dc1", BV_DOUBLE,
	    "-123456789.12344999611",
	    "-123456789.12345"},
	{MYSQL_T_FLOAT, 4, -1, 0, "00008000", BV_FLOAT,
	    "1.17549e-38         ",
	    "1.1754944e-38"},
	{MYSQL_T_DOUBLE, 8, -1, 0, "0000000000001000", BV_DOUBLE,
	    "2.2250738585072013831e-308",
	    "2.2250738585072014e-308"},
	{MYSQL_T_FLOAT, 4, -1, 0, "6f12833a", BV_FLOAT,
	    "0.001               ",
	    "0.001"},
	{MYSQL_T_DOUBLE, 8, -1, 0, "f168e388b5f8e43e", BV_DOUBLE,
	    "1.0000000000000000818e-05",
	    "1e-05"},
	{MYSQL_T_FLOAT, 4, -1, 0, "01000080", BV_FLOAT,
	    "-1.4013e-45         ",
	    "-1.4013e-45"},
	{MYSQL_T_FLOAT, 4, -1, 0, "0000803f", BV_FLOAT,
	    "1                   ",
	    "1"},
	{MYSQL_T_DOUBLE, 8, -1, 0, "000000000000f03f", BV_DOUBLE,
	    "1",
	    "1"},
	{MYSQL_T_FLOAT, 4, -1, 0, "cdcccc3d", BV_FLOAT,
	    "0.1                 ",
	    "0.1"},
	{MYSQL_T_FLOAT, 4, -1, 0, "a379eb4c", BV_FLOAT,
	    "1.23457e+08         ",
	    "1.2345679e+08"},
	{MYSQL_T_DOUBLE, 8, -1, 0, "350f63bab4697b43", BV_DOUBLE,
	    "123456789012345680",
	    "1.2345678901234568e+17"},
	{MYSQL_T_FLOAT, 4, -1, 0, "0000c842", BV_FLOAT,
	    "100                 ",
	    "100"},
	{MYSQL_T_DOUBLE, 8, -1, 0, "0000000000005940", BV_DOUBLE,
	    "100",
	    "100"},
	{MYSQL_T_FLOAT, 4, -1, 0, "ffe6db2e", BV_FLOAT,
	    "1e-10               ",
	    "1e-10"},
	{MYSQL_T_DOUBLE, 8, -1, 0, "7dc39425ad49b254", BV_DOUBLE,
	    "1.0000000000000000159e+100",
	    "1e+100"},
	{MYSQL_T_FLOAT, 4, -1, 0, "000080bf", BV_FLOAT,
	    "-1                  ",
	    "-1"},
	{MYSQL_T_DOUBLE, 8, -1, 0, "000000000000f0bf", BV_DOUBLE,
	    "-1",
	    "-1"},
	{MYSQL_T_FLOAT, 4, -1, 0, "db0f4940", BV_FLOAT,
	    "3.14159             ",
	    "3.1415927"},
	{MYSQL_T_DOUBLE, 8, -1, 0, "182d4454fb210940", BV_DOUBLE,
	    "3.141592653589793116",
	    "3.141592653589793"},
	{MYSQL_T_FLOAT, 4, -1, 0, "00000040", BV_FLOAT,
	    "2                   ",
	    "2"},
	{MYSQL_T_DOUBLE, 8, -1, 0, "0000000000000040", BV_DOUBLE,
	    "2",
	    "2"},
	{MYSQL_T_NEWDECIMAL, 16670, -1, 0,
	    "85f5e0ff3b9ac9ff3b9ac9ff3b9ac9ff3b9ac9ff3b9ac9ff3b9ac9ff03e7",
	    BV_DECIMAL,
	    "99999999999999999999999999999999999.9999999999999999999999999999"
	    "99",
	    "\"99999999999999999999999999999999999.99999999999999999999999999"
	    "9999\""},
	{MYSQL_T_NEWDECIMAL, 2560, -1, 0, "893b9ac9ff", BV_DECIMAL,
	    "9999999999",
	    "\"9999999999\""},
	{MYSQL_T_NEWDECIMAL, 1285, -1, 0, "81869f", BV_DECIMAL,
	    "0.99999",
	    "\"0.99999\""},
	{MYSQL_T_NEWDECIMAL, 2562, -1, 0, "80bc614e5a", BV_DECIMAL,
	    "12345678.90",
	    "\"12345678.90\""},
	{MYSQL_T_NEWDECIMAL, 256, -1, 0, "89", BV_DECIMAL,
	    "9",
	    "\"9\""},
	{MYSQL_T_NEWDECIMAL, 4617, -1, 0, "bb9ac9ff3b9ac9ff", BV_DECIMAL,
	    "999999999.999999999",
	    "\"999999999.999999999\""},
	{MYSQL_T_NEWDECIMAL, 4874, -1, 0, "bb9ac9ff3b9ac9ff09", BV_DECIMAL,
	    "999999999.9999999999",
	    "\"999999999.9999999999\""},
	{MYSQL_T_NEWDECIMAL, 7680, -1, 0,
	    "807b1b3a0c14149aa4350dfb38d2",
	    BV_DECIMAL,
	    "123456789012345678901234567890",
	    "\"123456789012345678901234567890\""},
	{MYSQL_T_NEWDECIMAL, 1026, -1, 0, "e363", BV_DECIMAL,
	    "99.99",
	    "\"99.99\""},
	{MYSQL_T_NEWDECIMAL, 2313, -1, 0, "bb9ac9ff", BV_DECIMAL,
	    "0.999999999",
	    "\"0.999999999\""},
	{MYSQL_T_NEWDECIMAL, 16670, -1, 0,
	    "7a0a1f00c4653600c4653600c4653600c4653600c4653600c4653600fc18",
	    BV_DECIMAL,
	    "-99999999999999999999999999999999999.999999999999999999999999999"
	    "999",
	    "\"-99999999999999999999999999999999999.9999999999999999999999999"
	    "99999\""},
	{MYSQL_T_NEWDECIMAL, 2560, -1, 0, "76c4653600", BV_DECIMAL,
	    "-9999999999",
	    "\"-9999999999\""},
	{MYSQL_T_NEWDECIMAL, 1285, -1, 0, "7e7960", BV_DECIMAL,
	    "-0.99999",
	    "\"-0.99999\""},
	{MYSQL_T_NEWDECIMAL, 2562, -1, 0, "7f439eb1a5", BV_DECIMAL,
	    "-12345678.90",
	    "\"-12345678.90\""},
	{MYSQL_T_NEWDECIMAL, 256, -1, 0, "76", BV_DECIMAL,
	    "-9",
	    "\"-9\""},
	{MYSQL_T_NEWDECIMAL, 4617, -1, 0, "44653600c4653600", BV_DECIMAL,
	    "-999999999.999999999",
	    "\"-999999999.999999999\""},
	{MYSQL_T_NEWDECIMAL, 4874, -1, 0, "44653600c4653600f6", BV_DECIMAL,
	    "-999999999.9999999999",
	    "\"-999999999.9999999999\""},
	{MYSQL_T_NEWDECIMAL, 7680, -1, 0,
	    "7f84e4c5f3ebeb655bcaf204c72d",
	    BV_DECIMAL,
	    "-123456789012345678901234567890",
	    "\"-123456789012345678901234567890\""},
	{MYSQL_T_NEWDECIMAL, 1026, -1, 0, "1c9c", BV_DECIMAL,
	    "-99.99",
	    "\"-99.99\""},
	{MYSQL_T_NEWDECIMAL, 2313, -1, 0, "44653600", BV_DECIMAL,
	    "-0.999999999",
	    "\"-0.999999999\""},
	{MYSQL_T_NEWDECIMAL, 16670, -1, 0,
	    "800000000000000000000000000000000000000000000000000000000000",
	    BV_DECIMAL,
	    "0.000000000000000000000000000000",
	    "\"0.000000000000000000000000000000\""},
	{MYSQL_T_NEWDECIMAL, 2560, -1, 0, "8000000000", BV_DECIMAL,
	    "0",
	    "\"0\""},
	{MYSQL_T_NEWDECIMAL, 1285, -1, 0, "800000", BV_DECIMAL,
	    "0.00000",
	    "\"0.00000\""},
	{MYSQL_T_NEWDECIMAL, 2562, -1, 0, "8000000000", BV_DECIMAL,
	    "0.00",
	    "\"0.00\""},
	{MYSQL_T_NEWDECIMAL, 256, -1, 0, "80", BV_DECIMAL,
	    "0",
	    "\"0\""},
	{MYSQL_T_NEWDECIMAL, 4617, -1, 0, "8000000000000000", BV_DECIMAL,
	    "0.000000000",
	    "\"0.000000000\""},
	{MYSQL_T_NEWDECIMAL, 4874, -1, 0, "800000000000000000", BV_DECIMAL,
	    "0.0000000000",
	    "\"0.0000000000\""},
	{MYSQL_T_NEWDECIMAL, 7680, -1, 0,
	    "8000000000000000000000000000",
	    BV_DECIMAL,
	    "0",
	    "\"0\""},
	{MYSQL_T_NEWDECIMAL, 1026, -1, 0, "8000", BV_DECIMAL,
	    "0.00",
	    "\"0.00\""},
	{MYSQL_T_NEWDECIMAL, 2313, -1, 0, "80000000", BV_DECIMAL,
	    "0.000000000",
	    "\"0.000000000\""},
	{MYSQL_T_NEWDECIMAL, 16670, -1, 0,
	    "7ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe",
	    BV_DECIMAL,
	    "-0.000000000000000000000000000001",
	    "\"-0.000000000000000000000000000001\""},
	{MYSQL_T_NEWDECIMAL, 2560, -1, 0, "7ffffffffe", BV_DECIMAL,
	    "-1",
	    "\"-1\""},
	{MYSQL_T_NEWDECIMAL, 1285, -1, 0, "7ffffe", BV_DECIMAL,
	    "-0.00001",
	    "\"-0.00001\""},
	{MYSQL_T_NEWDECIMAL, 2562, -1, 0, "7ffffffffe", BV_DECIMAL,
	    "-0.01",
	    "\"-0.01\""},
	{MYSQL_T_NEWDECIMAL, 256, -1, 0, "7e", BV_DECIMAL,
	    "-1",
	    "\"-1\""},
	{MYSQL_T_NEWDECIMAL, 4617, -1, 0, "7ffffffffffffffe", BV_DECIMAL,
	    "-0.000000001",
	    "\"-0.000000001\""},
	{MYSQL_T_NEWDECIMAL, 4874, -1, 0, "7ffffffffffffffffe", BV_DECIMAL,
	    "-0.0000000001",
	    "\"-0.0000000001\""},
	{MYSQL_T_NEWDECIMAL, 7680, -1, 0,
	    "7ffffffffffffffffffffffffffe",
	    BV_DECIMAL,
	    "-1",
	    "\"-1\""},
	{MYSQL_T_NEWDECIMAL, 1026, -1, 0, "7ffe", BV_DECIMAL,
	    "-0.01",
	    "\"-0.01\""},
	{MYSQL_T_NEWDECIMAL, 2313, -1, 0, "7ffffffe", BV_DECIMAL,
	    "-0.000000001",
	    "\"-0.000000001\""},
	{MYSQL_T_NEWDECIMAL, 16670, -1, 0,
	    "800000000000000000000000000000011dcd650000000000000000000000",
	    BV_DECIMAL,
	    "1.500000000000000000000000000000",
	    "\"1.500000000000000000000000000000\""},
	{MYSQL_T_NEWDECIMAL, 2560, -1, 0, "8100000000", BV_DECIMAL,
	    "1000000000",
	    "\"1000000000\""},
	{MYSQL_T_NEWDECIMAL, 1285, -1, 0, "80c350", BV_DECIMAL,
	    "0.50000",
	    "\"0.50000\""},
	{MYSQL_T_NEWDECIMAL, 2562, -1, 0, "8000006432", BV_DECIMAL,
	    "100.50",
	    "\"100.50\""},
	{MYSQL_T_NEWDECIMAL, 256, -1, 0, "85", BV_DECIMAL,
	    "5",
	    "\"5\""},
	{MYSQL_T_NEWDECIMAL, 4617, -1, 0, "8000000100000001", BV_DECIMAL,
	    "1.000000001",
	    "\"1.000000001\""},
	{MYSQL_T_NEWDECIMAL, 4874, -1, 0, "8000000105f5e10000", BV_DECIMAL,
	    "1.1000000000",
	    "\"1.1000000000\""},
	{MYSQL_T_NEWDECIMAL, 7680, -1, 0,
	    "8000000000010000000000000000",
	    BV_DECIMAL,
	    "1000000000000000000",
	    "\"1000000000000000000\""},
	{MYSQL_T_NEWDECIMAL, 1026, -1, 0, "8105", BV_DECIMAL,
	    "1.05",
	    "\"1.05\""},
	{MYSQL_T_NEWDECIMAL, 2313, -1, 0, "9dcd6500", BV_DECIMAL,
	    "0.500000000",
	    "\"0.500000000\""},
	{MYSQL_T_YEAR, 0, -1, 0, "01", BV_YEAR,
	    "1901",
	    "1901"},
	{MYSQL_T_DATE, 0, -1, 0, "21d007", BV_DATE,
	    "'1000:01:01'",
	    "\"1000-01-01\""},
	{MYSQL_T_TIME2, 0, -1, 0, "4b9105", BV_TIME,
	    "'-838:59:59'",
	    "\"-838:59:59\""},
	{MYSQL_T_TIME2, 1, -1, 0, "4b9104a6", BV_TIME,
	    "'-838:59:59.9'",
	    "\"-838:59:59.9\""},
	{MYSQL_T_TIME2, 2, -1, 0, "4b91049d", BV_TIME,
	    "'-838:59:59.99'",
	    "\"-838:59:59.99\""},
	{MYSQL_T_TIME2, 3, -1, 0, "4b9104d8fa", BV_TIME,
	    "'-838:59:59.999'",
	    "\"-838:59:59.999\""},
	{MYSQL_T_TIME2, 4, -1, 0, "4b9104d8f1", BV_TIME,
	    "'-838:59:59.9999'",
	    "\"-838:59:59.9999\""},
	{MYSQL_T_TIME2, 5, -1, 0, "4b9104f0bdca", BV_TIME,
	    "'-838:59:59.99999'",
	    "\"-838:59:59.99999\""},
	{MYSQL_T_TIME2, 6, -1, 0, "4b9104f0bdc1", BV_TIME,
	    "'-838:59:59.999999'",
	    "\"-838:59:59.999999\""},
	{MYSQL_T_DATETIME2, 0, -1, 0, "8cb2420000", BV_DATETIME,
	    "'1000-01-01 00:00:00'",
	    "\"1000-01-01T00:00:00\""},
	{MYSQL_T_DATETIME2, 1, -1, 0, "8cb24200000a", BV_DATETIME,
	    "'1000-01-01 00:00:00.1'",
	    "\"1000-01-01T00:00:00.1\""},
	{MYSQL_T_DATETIME2, 3, -1, 0, "8cb2420000000a", BV_DATETIME,
	    "'1000-01-01 00:00:00.001'",
	    "\"1000-01-01T00:00:00.001\""},
	{MYSQL_T_DATETIME2, 6, -1, 0, "8cb2420000000001", BV_DATETIME,
	    "'1000-01-01 00:00:00.000001'",
	    "\"1000-01-01T00:00:00.000001\""},
	{MYSQL_T_TIMESTAMP2, 0, -1, 0, "00000001", BV_TIMESTAMP,
	    "1",
	    "\"1970-01-01T00:00:01Z\""},
	{MYSQL_T_TIMESTAMP2, 1, -1, 0, "000000010a", BV_TIMESTAMP,
	    "1.1",
	    "\"1970-01-01T00:00:01.1Z\""},
	{MYSQL_T_TIMESTAMP2, 3, -1, 0, "00000001000a", BV_TIMESTAMP,
	    "1.001",
	    "\"1970-01-01T00:00:01.001Z\""},
	{MYSQL_T_TIMESTAMP2, 6, -1, 0, "00000001000001", BV_TIMESTAMP,
	    "1.000001",
	    "\"1970-01-01T00:00:01.000001Z\""},
	{MYSQL_T_YEAR, 0, -1, 0, "ff", BV_YEAR,
	    "2155",
	    "2155"},
	{MYSQL_T_DATE, 0, -1, 0, "9f1f4e", BV_DATE,
	    "'9999:12:31'",
	    "\"9999-12-31\""},
	{MYSQL_T_TIME2, 0, -1, 0, "b46efb", BV_TIME,
	    "'838:59:59'",
	    "\"838:59:59\""},
	{MYSQL_T_TIME2, 1, -1, 0, "b46efb5a", BV_TIME,
	    "'838:59:59.9'",
	    "\"838:59:59.9\""},
	{MYSQL_T_TIME2, 2, -1, 0, "b46efb63", BV_TIME,
	    "'838:59:59.99'",
	    "\"838:59:59.99\""},
	{MYSQL_T_TIME2, 3, -1, 0, "b46efb2706", BV_TIME,
	    "'838:59:59.999'",
	    "\"838:59:59.999\""},
	{MYSQL_T_TIME2, 4, -1, 0, "b46efb270f", BV_TIME,
	    "'838:59:59.9999'",
	    "\"838:59:59.9999\""},
	{MYSQL_T_TIME2, 5, -1, 0, "b46efb0f4236", BV_TIME,
	    "'838:59:59.99999'",
	    "\"838:59:59.99999\""},
	{MYSQL_T_TIME2, 6, -1, 0, "b46efb0f423f", BV_TIME,
	    "'838:59:59.999999'",
	    "\"838:59:59.999999\""},
	{MYSQL_T_DATETIME2, 0, -1, 0, "fef3ff7efb", BV_DATETIME,
	    "'9999-12-31 23:59:59'",
	    "\"9999-12-31T23:59:59\""},
	{MYSQL_T_DATETIME2, 1, -1, 0, "fef3ff7efb5a", BV_DATETIME,
	    "'9999-12-31 23:59:59.9'",
	    "\"9999-12-31T23:59:59.9\""},
	{MYSQL_T_DATETIME2, 3, -1, 0, "fef3ff7efb2706", BV_DATETIME,
	    "'9999-12-31 23:59:59.999'",
	    "\"9999-12-31T23:59:59.999\""},
	{MYSQL_T_DATETIME2, 6, -1, 0, "fef3ff7efb0f423f", BV_DATETIME,
	    "'9999-12-31 23:59:59.999999'",
	    "\"9999-12-31T23:59:59.999999\""},
	{MYSQL_T_TIMESTAMP2, 0, -1, 0, "7fffffff", BV_TIMESTAMP,
	    "2147483647",
	    "\"2038-01-19T03:14:07Z\""},
	{MYSQL_T_TIMESTAMP2, 1, -1, 0, "7fffffff5a", BV_TIMESTAMP,
	    "2147483647.9",
	    "\"2038-01-19T03:14:07.9Z\""},
	{MYSQL_T_TIMESTAMP2, 3, -1, 0, "7fffffff2706", BV_TIMESTAMP,
	    "2147483647.999",
	    "\"2038-01-19T03:14:07.999Z\""},
	{MYSQL_T_TIMESTAMP2, 6, -1, 0, "7fffffff0f423f", BV_TIMESTAMP,
	    "2147483647.999999",
	    "\"2038-01-19T03:14:07.999999Z\""},
	{MYSQL_T_DATE, 0, -1, 0, "000000", BV_DATE,
	    "'0000:00:00'",
	    "\"0000-00-00\""},
	{MYSQL_T_TIME2, 0, -1, 0, "800000", BV_TIME,
	    "'00:00:00'",
	    "\"00:00:00\""},
	{MYSQL_T_TIME2, 1, -1, 0, "7fffffce", BV_TIME,
	    "'-00:00:00.5'",
	    "\"-00:00:00.5\""},
	{MYSQL_T_TIME2, 2, -1, 0, "7fffffce", BV_TIME,
	    "'-00:00:00.50'",
	    "\"-00:00:00.50\""},
	{MYSQL_T_TIME2, 3, -1, 0, "7fffffec78", BV_TIME,
	    "'-00:00:00.500'",
	    "\"-00:00:00.500\""},
	{MYSQL_T_TIME2, 4, -1, 0, "7fffffec78", BV_TIME,
	    "'-00:00:00.5000'",
	    "\"-00:00:00.5000\""},
	{MYSQL_T_TIME2, 5, -1, 0, "7ffffff85ee0", BV_TIME,
	    "'-00:00:00.50000'",
	    "\"-00:00:00.50000\""},
	{MYSQL_T_TIME2, 6, -1, 0, "7ffffff85ee0", BV_TIME,
	    "'-00:00:00.500000'",
	    "\"-00:00:00.500000\""},
	{MYSQL_T_DATETIME2, 0, -1, 0, "8000000000", BV_DATETIME,
	    "'0000-00-00 00:00:00'",
	    "\"0000-00-00T00:00:00\""},
	{MYSQL_T_DATETIME2, 1, -1, 0, "800000000000", BV_DATETIME,
	    "'0000-00-00 00:00:00.0'",
	    "\"0000-00-00T00:00:00.0\""},
	{MYSQL_T_DATETIME2, 3, -1, 0, "80000000000000", BV_DATETIME,
	    "'0000-00-00 00:00:00.000'",
	    "\"0000-00-00T00:00:00.000\""},
	{MYSQL_T_DATETIME2, 6, -1, 0, "8000000000000000", BV_DATETIME,
	    "'0000-00-00 00:00:00.000000'",
	    "\"0000-00-00T00:00:00.000000\""},
	{MYSQL_T_TIMESTAMP2, 0, -1, 0, "00000000", BV_TIMESTAMP,
	    "0",
	    "\"0000-00-00T00:00:00\""},
	{MYSQL_T_TIMESTAMP2, 1, -1, 0, "0000000000", BV_TIMESTAMP,
	    "0.0",
	    "\"0000-00-00T00:00:00.0\""},
	{MYSQL_T_TIMESTAMP2, 3, -1, 0, "000000000000", BV_TIMESTAMP,
	    "0.000",
	    "\"0000-00-00T00:00:00.000\""},
	{MYSQL_T_TIMESTAMP2, 6, -1, 0, "00000000000000", BV_TIMESTAMP,
	    "0.000000",
	    "\"0000-00-00T00:00:00.000000\""},
	{MYSQL_T_YEAR, 0, -1, 0, "64", BV_YEAR,
	    "2000",
	    "2000"},
	{MYSQL_T_DATE, 0, -1, 0, "5dc80f", BV_DATE,
	    "'2020:02:29'",
	    "\"2020-02-29\""},
	{MYSQL_T_TIME2, 0, -1, 0, "7fffff", BV_TIME,
	    "'-00:00:01'",
	    "\"-00:00:01\""},
	{MYSQL_T_TIME2, 1, -1, 0, "7fef7cf6", BV_TIME,
	    "'-01:02:03.1'",
	    "\"-01:02:03.1\""},
	{MYSQL_T_TIME2, 2, -1, 0, "7fef7cff", BV_TIME,
	    "'-01:02:03.01'",
	    "\"-01:02:03.01\""},
	{MYSQL_T_TIME2, 3, -1, 0, "7fef7cfff6", BV_TIME,
	    "'-01:02:03.001'",
	    "\"-01:02:03.001\""},
	{MYSQL_T_TIME2, 4, -1, 0, "7fef7cffff", BV_TIME,
	    "'-01:02:03.0001'",
	    "\"-01:02:03.0001\""},
	{MYSQL_T_TIME2, 5, -1, 0, "7fef7cfffff6", BV_TIME,
	    "'-01:02:03.00001'",
	    "\"-01:02:03.00001\""},
	{MYSQL_T_TIME2, 6, -1, 0, "7fef7cffffff", BV_TIME,
	    "'-01:02:03.000001'",
	    "\"-01:02:03.000001\""},
	{MYSQL_T_DATETIME2, 0, -1, 0, "99a5bac8b8", BV_DATETIME,
	    "'2020-02-29 12:34:56'",
	    "\"2020-02-29T12:34:56\""},
	{MYSQL_T_DATETIME2, 1, -1, 0, "99a5bac8b832", BV_DATETIME,
	    "'2020-02-29 12:34:56.5'",
	    "\"2020-02-29T12:34:56.5\""},
	{MYSQL_T_DATETIME2, 3, -1, 0, "99a5bac8b804ce", BV_DATETIME,
	    "'2020-02-29 12:34:56.123'",
	    "\"2020-02-29T12:34:56.123\""},
	{MYSQL_T_DATETIME2, 6, -1, 0, "99a5bac8b801e240", BV_DATETIME,
	    "'2020-02-29 12:34:56.123456'",
	    "\"2020-02-29T12:34:56.123456\""},
	{MYSQL_T_TIMESTAMP2, 0, -1, 0, "5e5a5a70", BV_TIMESTAMP,
	    "1582979696",
	    "\"2020-02-29T12:34:56Z\""},
	{MYSQL_T_TIMESTAMP2, 1, -1, 0, "5e5a5a7032", BV_TIMESTAMP,
	    "1582979696.5",
	    "\"2020-02-29T12:34:56.5Z\""},
	{MYSQL_T_TIMESTAMP2, 3, -1, 0, "5e5a5a7004ce", BV_TIMESTAMP,
	    "1582979696.123",
	    "\"2020-02-29T12:34:56.123Z\""},
	{MYSQL_T_TIMESTAMP2, 6, -1, 0, "5e5a5a7001e240", BV_TIMESTAMP,
	    "1582979696.123456",
	    "\"2020-02-29T12:34:56.123456Z\""},
	{MYSQL_T_YEAR, 0, -1, 0, "63", BV_YEAR,
	    "1999",
	    "1999"},
	{MYSQL_T_DATE, 0, -1, 0, "00c80f", BV_DATE,
	    "'2020:00:00'",
	    "\"2020-00-00\""},
	{MYSQL_T_TIME2, 1, -1, 0, "7ffffef6", BV_TIME,
	    "'-00:00:01.1'",
	    "\"-00:00:01.1\""},
	{MYSQL_T_TIME2, 2, -1, 0, "7ffffeff", BV_TIME,
	    "'-00:00:01.01'",
	    "\"-00:00:01.01\""},
	{MYSQL_T_TIME2, 3, -1, 0, "7ffffed8fa", BV_TIME,
	    "'-00:00:01.999'",
	    "\"-00:00:01.999\""},
	{MYSQL_T_TIME2, 4, -1, 0, "7fffffffff", BV_TIME,
	    "'-00:00:00.0001'",
	    "\"-00:00:00.0001\""},
	{MYSQL_T_TIME2, 5, -1, 0, "7ffffffffff6", BV_TIME,
	    "'-00:00:00.00001'",
	    "\"-00:00:00.00001\""},
	{MYSQL_T_TIME2, 6, -1, 0, "7fffffffffff", BV_TIME,
	    "'-00:00:00.000001'",
	    "\"-00:00:00.000001\""},
	{MYSQL_T_DATETIME2, 0, -1, 0, "99a5000000", BV_DATETIME,
	    "'2020-00-00 00:00:00'",
	    "\"2020-00-00T00:00:00\""},
	{MYSQL_T_DATETIME2, 1, -1, 0, "99678200000a", BV_DATETIME,
	    "'2001-01-01 00:00:00.1'",
	    "\"2001-01-01T00:00:00.1\""},
	{MYSQL_T_DATETIME2, 3, -1, 0, "99678200000064", BV_DATETIME,
	    "'2001-01-01 00:00:00.010'",
	    "\"2001-01-01T00:00:00.010\""},
	{MYSQL_T_DATETIME2, 6, -1, 0, "99678200000dbba0", BV_DATETIME,
	    "'2001-01-01 00:00:00.900000'",
	    "\"2001-01-01T00:00:00.900000\""},
	{MYSQL_T_YEAR, 0, -1, 0, "65", BV_YEAR,
	    "2001",
	    "2001"},
	{MYSQL_T_DATE, 0, -1, 0, "80c90f", BV_DATE,
	    "'2020:12:00'",
	    "\"2020-12-00\""},
	{MYSQL_T_TIME2, 0, -1, 0, "80c000", BV_TIME,
	    "'12:00:00'",
	    "\"12:00:00\""},
	{MYSQL_T_TIME2, 1, -1, 0, "7fffffa6", BV_TIME,
	    "'-00:00:00.9'",
	    "\"-00:00:00.9\""},
	{MYSQL_T_TIME2, 2, -1, 0, "7fffff9d", BV_TIME,
	    "'-00:00:00.99'",
	    "\"-00:00:00.99\""},
	{MYSQL_T_TIME2, 3, -1, 0, "7fffffd8fa", BV_TIME,
	    "'-00:00:00.999'",
	    "\"-00:00:00.999\""},
	{MYSQL_T_TIME2, 4, -1, 0, "7fffffd8f1", BV_TIME,
	    "'-00:00:00.9999'",
	    "\"-00:00:00.9999\""},
	{MYSQL_T_TIME2, 5, -1, 0, "7ffffff0bdca", BV_TIME,
	    "'-00:00:00.99999'",
	    "\"-00:00:00.99999\""},
	{MYSQL_T_TIME2, 6, -1, 0, "7ffffff0bdc1", BV_TIME,
	    "'-00:00:00.999999'",
	    "\"-00:00:00.999999\""},
	{MYSQL_T_DATETIME2, 0, -1, 0, "99a83e0000", BV_DATETIME,
	    "'2020-12-31 00:00:00'",
	    "\"2020-12-31T00:00:00\""},
	{MYSQL_T_TIMESTAMP2, 0, -1, 0, "3b9aca00", BV_TIMESTAMP,
	    "1000000000",
	    "\"2001-09-09T01:46:40Z\""},
	{MYSQL_T_TIMESTAMP2, 1, -1, 0, "3b9aca0000", BV_TIMESTAMP,
	    "1000000000.0",
	    "\"2001-09-09T01:46:40.0Z\""},
	{MYSQL_T_TIMESTAMP2, 3, -1, 0, "3b9aca000000", BV_TIMESTAMP,
	    "1000000000.000",
	    "\"2001-09-09T01:46:40.000Z\""},
	{MYSQL_T_TIMESTAMP2, 6, -1, 0, "3b9aca0007a120", BV_TIMESTAMP,
	    "1000000000.500000",
	    "\"2001-09-09T01:46:40.500000Z\""},
	{MYSQL_T_STRING, 65028, -1, 0, "00", BV_STRING,
	    "''",
	    "\"\""},
	{MYSQL_T_STRING, 65279, -1, 0, "00", BV_STRING,
	    "''",
	    "\"\""},
	{MYSQL_T_STRING, 61072, -1, 0, "0000", BV_STRING,
	    "''",
	    "\"\""},
	{MYSQL_T_VARCHAR, 40, -1, 0, "00", BV_STRING,
	    "''",
	    "\"\""},
	{MYSQL_T_VARCHAR, 255, -1, 0, "00", BV_STRING,
	    "''",
	    "\"\""},
	{MYSQL_T_VARCHAR, 256, -1, 0, "0000", BV_STRING,
	    "''",
	    "\"\""},
	{MYSQL_T_VARCHAR, 4000, -1, 0, "0000", BV_STRING,
	    "''",
	    "\"\""},
	{MYSQL_T_STRING, 65032, -1, 0, "00", BV_STRING,
	    "''",
	    "\"\""},
	{MYSQL_T_VARCHAR, 20, -1, 0, "00", BV_STRING,
	    "''",
	    "\"\""},
	{MYSQL_T_STRING, 65027, -1, 0, "00", BV_STRING,
	    "''",
	    "\"\""},
	{MYSQL_T_STRING, 65034, -1, 0, "00", BV_STRING,
	    "''",
	    "\"\""},
	{MYSQL_T_VARCHAR, 90, -1, 0, "00", BV_STRING,
	    "''",
	    "\"\""},
	{MYSQL_T_STRING, 65024, -1, 0, "00", BV_STRING,
	    "''",
	    "\"\""},
	{MYSQL_T_STRING, 65028, -1, 0, "0178", BV_STRING,
	    "'x'",
	    "\"x\""},
	{MYSQL_T_STRING, 65279, -1, 0,
	    "ff79797979797979797979797979797979797979797979797979797979797979"
	    "7979797979797979797979797979797979797979797979797979797979797979"
	    "7979797979797979797979797979797979797979797979797979797979797979"
	    "7979797979797979797979797979797979797979797979797979797979797979"
	    "7979797979797979797979797979797979797979797979797979797979797979"
	    "7979797979797979797979797979797979797979797979797979797979797979"
	    "7979797979797979797979797979797979797979797979797979797979797979"
	    "7979797979797979797979797979797979797979797979797979797979797979",
	    BV_STRING,
	    "'yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"
	    "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"
	    "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"
	    "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"
	    "'",
	    "\"yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"
	    "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"
	    "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"
	    "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"
	    "y\""},
	{MYSQL_T_VARCHAR, 40, -1, 0, "0a6162636465666768696a", BV_STRING,
	    "'abcdefghij'",
	    "\"abcdefghij\""},
	{MYSQL_T_VARCHAR, 255, -1, 0,
	    "ff65656565656565656565656565656565656565656565656565656565656565"
	    "6565656565656565656565656565656565656565656565656565656565656565"
	    "6565656565656565656565656565656565656565656565656565656565656565"
	    "6565656565656565656565656565656565656565656565656565656565656565"
	    "6565656565656565656565656565656565656565656565656565656565656565"
	    "6565656565656565656565656565656565656565656565656565656565656565"
	    "6565656565656565656565656565656565656565656565656565656565656565"
	    "6565656565656565656565656565656565656565656565656565656565656565",
	    BV_STRING,
	    "'eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"
	    "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"
	    "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"
	    "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"
	    "'",
	    "\"eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"
	    "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"
	    "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"
	    "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"
	    "e\""},
	{MYSQL_T_VARCHAR, 256, -1, 0,
	    "0001666666666666666666666666666666666666666666666666666666666666"
	    "6666666666666666666666666666666666666666666666666666666666666666"
	    "6666666666666666666666666666666666666666666666666666666666666666"
	    "6666666666666666666666666666666666666666666666666666666666666666"
	    "6666666666666666666666666666666666666666666666666666666666666666"
	    "6666666666666666666666666666666666666666666666666666666666666666"
	    "6666666666666666666666666666666666666666666666666666666666666666"
	    "6666666666666666666666666666666666666666666666666666666666666666"
	    "6666",
	    BV_STRING,
	    "'fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
	    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
	    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
	    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
	    "f'",
	    "\"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
	    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
	    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
	    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
	    "ff\""},
	{MYSQL_T_STRING, 65032, -1, 0, "026162", BV_STRING,
	    "'ab'",
	    "\"ab\""},
	{MYSQL_T_VARCHAR, 20, -1, 0, "0461620000", BV_STRING,
	    "'ab\\x00\\x00'",
	    "\"ab\\u0000\\u0000\""},
	{MYSQL_T_STRING, 65027, -1, 0, "0161", BV_STRING,
	    "'a'",
	    "\"a\""},
	{MYSQL_T_STRING, 65034, -1, 0, "026162", BV_STRING,
	    "'ab'",
	    "\"ab\""},
	{MYSQL_T_VARCHAR, 90, -1, 0, "087461620968657265", BV_STRING,
	    "'tab\\x09here'",
	    "\"tab\\there\""},
	{MYSQL_T_STRING, 65028, -1, 0, "0127", BV_STRING,
	    "'''",
	    "\"'\""},
	{MYSQL_T_STRING, 65279, -1, 0, "06636166786539", BV_STRING,
	    "'cafxe9'",
	    "\"cafxe9\""},
	{MYSQL_T_STRING, 61072, -1, 0,
	    "1700c3bc6ec3af63c3b664c3a920e4b8ade6968720f09d849e",
	    BV_STRING,
	    "'\303\274n\303\257c\303\266d\303\251 \344\270\255\346\226\207 "
	    "\360\235\204\236'",
	    "\"\303\274n\303\257c\303\266d\303\251 \344\270\255\346\226\207 "
	    "\360\235\204\236\""},
	{MYSQL_T_VARCHAR, 40, -1, 0, "035c2722", BV_STRING,
	    "'\\'\"'",
	    "\"\\\\'\\\"\""},
	{MYSQL_T_VARCHAR, 255, -1, 0, "0380ff7f", BV_STRING,
	    "'\200\377\177'",
	    "{\"base64\":\"gP9/\"}"},
	{MYSQL_T_VARCHAR, 256, -1, 0, "040000011f20", BV_STRING,
	    "'\\x00\\x01\\x1f '",
	    "\"\\u0000\\u0001\\u001f \""},
	{MYSQL_T_VARCHAR, 4000, -1, 0, "05000d0a09081a", BV_STRING,
	    "'\\x0d\\x0a\\x09\\x08\\x1a'",
	    "\"\\r\\n\\t\\b\\u001a\""},
	{MYSQL_T_VARCHAR, 20, -1, 0, "0100", BV_STRING,
	    "'\\x00'",
	    "\"\\u0000\""},
	{MYSQL_T_STRING, 65027, -1, 0, "022020", BV_STRING,
	    "'  '",
	    "\"  \""},
	{MYSQL_T_VARCHAR, 90, -1, 0, "04c3a9c3a0", BV_STRING,
	    "'\303\251\303\240'",
	    "\"\303\251\303\240\""},
	{MYSQL_T_STRING, 65028, -1, 0, "017f", BV_STRING,
	    "'\177'",
	    "\"\177\""},
	{MYSQL_T_STRING, 65279, -1, 0, "02e9e8", BV_STRING,
	    "'\351\350'",
	    "{\"base64\":\"6eg=\"}"},
	{MYSQL_T_STRING, 61072, -1, 0, "0300610062", BV_STRING,
	    "'a\\x00b'",
	    "\"a\\u0000b\""},
	{MYSQL_T_VARCHAR, 40, -1, 0, "0a6c696e65310a6c696e65", BV_STRING,
	    "'line1\\x0aline'",
	    "\"line1\\nline\""},
	{MYSQL_T_VARCHAR, 255, -1, 0, "03782779", BV_STRING,
	    "'x'y'",
	    "\"x'y\""},
	{MYSQL_T_VARCHAR, 256, -1, 0, "0a006261636b5c736c617368", BV_STRING,
	    "'back\\slash'",
	    "\"back\\\\slash\""},
	{MYSQL_T_VARCHAR, 4000, -1, 0, "060025732564256e", BV_STRING,
	    "'%s%d%n'",
	    "\"%s%d%n\""},
	{MYSQL_T_STRING, 65032, -1, 0, "07ff00ff00ff00ff", BV_STRING,
	    "'\377\\x00\377\\x00\377\\x00\377'",
	    "{\"base64\":\"/wD/AP8A/w==\"}"},
	{MYSQL_T_VARCHAR, 20, -1, 0, "03ffffff", BV_STRING,
	    "'\377\377\377'",
	    "{\"base64\":\"////\"}"},
	{MYSQL_T_STRING, 65034, -1, 0, "05747261696c", BV_STRING,
	    "'trail'",
	    "\"trail\""},
	{MYSQL_T_VARCHAR, 90, -1, 0, "03e282ac", BV_STRING,
	    "'\342\202\254'",
	    "\"\342\202\254\""},
	{MYSQL_T_BLOB, 1, -1, 0, "00", BV_BLOB,
	    "''",
	    "\"\""},
	{MYSQL_T_BLOB, 2, -1, 0, "0000", BV_BLOB,
	    "''",
	    "\"\""},
	{MYSQL_T_BLOB, 3, -1, 0, "000000", BV_BLOB,
	    "''",
	    "\"\""},
	{MYSQL_T_BLOB, 4, -1, 0, "00000000", BV_BLOB,
	    "''",
	    "\"\""},
	{MYSQL_T_BLOB, 4, -1, 0, "020000007b7d", BV_BLOB,
	    "'{}'",
	    "\"{}\""},
	{MYSQL_T_BLOB, 1, -1, 0,
	    "ff61616161616161616161616161616161616161616161616161616161616161"
	    "6161616161616161616161616161616161616161616161616161616161616161"
	    "6161616161616161616161616161616161616161616161616161616161616161"
	    "6161616161616161616161616161616161616161616161616161616161616161"
	    "6161616161616161616161616161616161616161616161616161616161616161"
	    "6161616161616161616161616161616161616161616161616161616161616161"
	    "6161616161616161616161616161616161616161616161616161616161616161"
	    "6161616161616161616161616161616161616161616161616161616161616161",
	    BV_BLOB,
	    "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "'",
	    "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "a\""},
	{MYSQL_T_BLOB, 4, -1, 0, "050000006464646464", BV_BLOB,
	    "'ddddd'",
	    "\"ddddd\""},
	{MYSQL_T_BLOB, 1, -1, 0, "0474696e79", BV_BLOB,
	    "'tiny'",
	    "\"tiny\""},
	{MYSQL_T_BLOB, 2, -1, 0, "0600636166786539", BV_BLOB,
	    "'cafxe9'",
	    "\"cafxe9\""},
	{MYSQL_T_BLOB, 3, -1, 0, "030000780079", BV_BLOB,
	    "'x\\x00y'",
	    "\"x\\u0000y\""},
	{MYSQL_T_BLOB, 4, -1, 0, "0c000000f09f9880f09f9880f09f9880", BV_BLOB,
	    "'\360\237\230\200\360\237\230\200\360\237\230\200'",
	    "\"\360\237\230\200\360\237\230\200\360\237\230\200\""},
	{MYSQL_T_BLOB, 4, -1, 0,
	    "1f0000007b2261223a205b312c20322e352c202278225d2c202262223a206e75"
	    "6c6c7d",
	    BV_BLOB,
	    "'{\"a\": [1, 2.5, \"x\"], \"b\": null}'",
	    "\"{\\\"a\\\": [1, 2.5, \\\"x\\\"], \\\"b\\\": null}\""},
	{MYSQL_T_BLOB, 1, -1, 0, "0200ff", BV_BLOB,
	    "'\\x00\377'",
	    "{\"base64\":\"AP8=\"}"},
	{MYSQL_T_BLOB, 2, -1, 0, "02000a0d", BV_BLOB,
	    "'\\x0a\\x0d'",
	    "\"\\n\\r\""},
	{MYSQL_T_BLOB, 3, -1, 0, "0200001f20", BV_BLOB,
	    "'\\x1f '",
	    "\"\\u001f \""},
	{MYSQL_T_BLOB, 4, -1, 0, "020000005c27", BV_BLOB,
	    "'\\''",
	    "\"\\\\'\""},
	{MYSQL_T_BLOB, 1, -1, 0, "03612762", BV_BLOB,
	    "'a'b'",
	    "\"a'b\""},
	{MYSQL_T_BLOB, 2, -1, 0, "01005c", BV_BLOB,
	    "'\\'",
	    "\"\\\\\""},
	{MYSQL_T_BLOB, 3, -1, 0, "0100000a", BV_BLOB,
	    "'\\x0a'",
	    "\"\\n\""},
	{MYSQL_T_BLOB, 4, -1, 0, "050000002273747222", BV_BLOB,
	    "'\"str\"'",
	    "\"\\\"str\\\"\""},
	{MYSQL_T_BIT, 1, -1, 0, "00", BV_BIT,
	    "b'0'",
	    "0"},
	{MYSQL_T_BIT, 7, -1, 0, "00", BV_BIT,
	    "b'0000000'",
	    "0"},
	{MYSQL_T_BIT, 256, -1, 0, "00", BV_BIT,
	    "b'00000000'",
	    "0"},
	{MYSQL_T_BIT, 257, -1, 0, "0000", BV_BIT,
	    "b'000000000'",
	    "0"},
	{MYSQL_T_BIT, 512, -1, 0, "0000", BV_BIT,
	    "b'0000000000000000'",
	    "0"},
	{MYSQL_T_BIT, 1025, -1, 0, "0000000000", BV_BIT,
	    "b'000000000000000000000000000000000'",
	    "0"},
	{MYSQL_T_BIT, 1799, -1, 0, "0000000000000000", BV_BIT,
	    "b'00000000000000000000000000000000000000000000000000000000000000"
	    "0'",
	    "0"},
	{MYSQL_T_BIT, 2048, -1, 0, "0000000000000000", BV_BIT,
	    "b'00000000000000000000000000000000000000000000000000000000000000"
	    "00'",
	    "0"},
	{MYSQL_T_BIT, 1, -1, 0, "01", BV_BIT,
	    "b'1'",
	    "1"},
	{MYSQL_T_BIT, 7, -1, 0, "7f", BV_BIT,
	    "b'1111111'",
	    "127"},
	{MYSQL_T_BIT, 256, -1, 0, "ff", BV_BIT,
	    "b'11111111'",
	    "255"},
	{MYSQL_T_BIT, 257, -1, 0, "01ff", BV_BIT,
	    "b'111111111'",
	    "511"},
	{MYSQL_T_BIT, 512, -1, 0, "ffff", BV_BIT,
	    "b'1111111111111111'",
	    "65535"},
	{MYSQL_T_BIT, 1025, -1, 0, "01ffffffff", BV_BIT,
	    "b'111111111111111111111111111111111'",
	    "8589934591"},
	{MYSQL_T_BIT, 1799, -1, 0, "7fffffffffffffff", BV_BIT,
	    "b'11111111111111111111111111111111111111111111111111111111111111"
	    "1'",
	    "9223372036854775807"},
	{MYSQL_T_BIT, 2048, -1, 0, "ffffffffffffffff", BV_BIT,
	    "b'11111111111111111111111111111111111111111111111111111111111111"
	    "11'",
	    "18446744073709551615"},
	{MYSQL_T_BIT, 7, -1, 0, "40", BV_BIT,
	    "b'1000000'",
	    "64"},
	{MYSQL_T_BIT, 256, -1, 0, "80", BV_BIT,
	    "b'10000000'",
	    "128"},
	{MYSQL_T_BIT, 257, -1, 0, "0100", BV_BIT,
	    "b'100000000'",
	    "256"},
	{MYSQL_T_BIT, 512, -1, 0, "8000", BV_BIT,
	    "b'1000000000000000'",
	    "32768"},
	{MYSQL_T_BIT, 1025, -1, 0, "0100000000", BV_BIT,
	    "b'100000000000000000000000000000000'",
	    "4294967296"},
	{MYSQL_T_BIT, 1799, -1, 0, "4000000000000000", BV_BIT,
	    "b'10000000000000000000000000000000000000000000000000000000000000"
	    "0'",
	    "4611686018427387904"},
	{MYSQL_T_BIT, 2048, -1, 0, "8000000000000000", BV_BIT,
	    "b'10000000000000000000000000000000000000000000000000000000000000"
	    "00'",
	    "9223372036854775808"},
	{MYSQL_T_BIT, 7, -1, 0, "55", BV_BIT,
	    "b'1010101'",
	    "85"},
	{MYSQL_T_BIT, 256, -1, 0, "a5", BV_BIT,
	    "b'10100101'",
	    "165"},
	{MYSQL_T_BIT, 257, -1, 0, "0101", BV_BIT,
	    "b'100000001'",
	    "257"},
	{MYSQL_T_BIT, 512, -1, 0, "8001", BV_BIT,
	    "b'1000000000000001'",
	    "32769"},
	{MYSQL_T_BIT, 1025, -1, 0, "0000000001", BV_BIT,
	    "b'000000000000000000000000000000001'",
	    "1"},
	{MYSQL_T_BIT, 1799, -1, 0, "0000000000000002", BV_BIT,
	    "b'00000000000000000000000000000000000000000000000000000000000001"
	    "0'",
	    "2"},
	{MYSQL_T_BIT, 2048, -1, 0, "0000000000000003", BV_BIT,
	    "b'00000000000000000000000000000000000000000000000000000000000000"
	    "11'",
	    "3"},
	{MYSQL_T_ENUM, 63233, -1, 0, "01", BV_ENUM,
	    "1",
	    "1"},
	{MYSQL_T_SET, 63489, -1, 0, "00", BV_SET,
	    "b'00000000'",
	    "0"},
	{MYSQL_T_SET, 63490, -1, 0, "0000", BV_SET,
	    "b'0000000000000000'",
	    "0"},
	{MYSQL_T_SET, 63491, -1, 0, "000000", BV_SET,
	    "b'000000000000000000000000'",
	    "0"},
	{MYSQL_T_SET, 63496, -1, 0, "0000000000000000", BV_SET,
	    "b'00000000000000000000000000000000000000000000000000000000000000"
	    "00'",
	    "0"},
	{MYSQL_T_ENUM, 63234, -1, 0, "0100", BV_ENUM,
	    "1",
	    "1"},
	{MYSQL_T_ENUM, 63233, -1, 0, "03", BV_ENUM,
	    "3",
	    "3"},
	{MYSQL_T_SET, 63489, -1, 0, "07", BV_SET,
	    "b'00000111'",
	    "7"},
	{MYSQL_T_SET, 63490, -1, 0, "ff01", BV_SET,
	    "b'1111111100000001'",
	    "511"},
	{MYSQL_T_SET, 63491, -1, 0, "010001", BV_SET,
	    "b'000000010000000000000001'",
	    "65537"},
	{MYSQL_T_SET, 63496, -1, 0, "0100000000000080", BV_SET,
	    "b'00000001000000000000000000000000000000000000000000000000100000"
	    "00'",
	    "9223372036854775809"},
	{MYSQL_T_ENUM, 63234, -1, 0, "0101", BV_ENUM,
	    "257",
	    "257"},
	{MYSQL_T_ENUM, 63233, -1, 0, "00", BV_ENUM,
	    "0",
	    "0"},
	{MYSQL_T_SET, 63489, -1, 0, "02", BV_SET,
	    "b'00000010'",
	    "2"},
	{MYSQL_T_SET, 63490, -1, 0, "0001", BV_SET,
	    "b'0000000000000001'",
	    "256"},
	{MYSQL_T_SET, 63491, -1, 0, "008100", BV_SET,
	    "b'000000001000000100000000'",
	    "33024"},
	{MYSQL_T_SET, 63496, -1, 0, "8000008001000000", BV_SET,
	    "b'10000000000000000000000010000000000000010000000000000000000000"
	    "00'",
	    "6442451072"},
	{MYSQL_T_ENUM, 63234, -1, 0, "0001", BV_ENUM,
	    "256",
	    "256"},
	{MYSQL_T_GEOMETRY, 4, -1, 0,
	    "19000000000000000101000000000000000000f03f0000000000000040",
	    BV_GEOMETRY,
	    "'\\x00\\x00\\x00\\x00\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x"
	    "00\\x00\\x00\360?\\x00\\x00\\x00\\x00\\x00\\x00\\x00@'",
	    "{\"base64\":\"AAAAAAEBAAAAAAAAAAAA8D8AAAAAAAAAQA==\"}"},
	{MYSQL_T_GEOMETRY, 4, -1, 0,
	    "19000000000000000101000000000000000000f8bf0000000000000000",
	    BV_GEOMETRY,
	    "'\\x00\\x00\\x00\\x00\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x"
	    "00\\x00\\x00\370\277\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00'",
	    "{\"base64\":\"AAAAAAEBAAAAAAAAAAAA+L8AAAAAAAAAAA==\"}"},
	{MYSQL_T_GEOMETRY, 4, -1, 0,
	    "3d000000e6100000010200000003000000000000000000000000000000000000"
	    "00000000000000f03f000000000000f03f000000000000004000000000000000"
	    "40",
	    BV_GEOMETRY,
	    "'\346\\x10\\x00\\x00\\x01\\x02\\x00\\x00\\x00\\x03\\x00\\x00\\x0"
	    "0\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x"
	    "00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\360?\\x00\\x00\\"
	    "x00\\x00\\x00\\x00\360?\\x00\\x00\\x00\\x00\\x00\\x00\\x00@\\x00"
	    "\\x00\\x00\\x00\\x00\\x00\\x00@'",
	    "{\"base64\":\"5hAAAAECAAAAAwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADwPw"
	    "AAAAAAAPA/AAAAAAAAAEAAAAAAAAAAQA==\"}"},
	{MYSQL_T_TIME, 0, -1, 0, "590a80", BV_TIME,
	    "'-838:59:59'",
	    "\"-838:59:59\""},
	{MYSQL_T_DATETIME, 0, -1, 0, "0000000000000000", BV_DATETIME,
	    "'0000-00-00 00:00:00'",
	    "\"0000-00-00T00:00:00\""},
	{MYSQL_T_TIMESTAMP, 0, -1, 0, "01000000", BV_TIMESTAMP,
	    "1",
	    "\"1970-01-01T00:00:01Z\""},
	{MYSQL_T_TIME, 0, -1, 0, "a7f57f", BV_TIME,
	    "'838:59:59'",
	    "\"838:59:59\""},
	{MYSQL_T_DATETIME, 0, -1, 0, "7787d105f15a0000", BV_DATETIME,
	    "'9999-12-31 23:59:59'",
	    "\"9999-12-31T23:59:59\""},
	{MYSQL_T_TIMESTAMP, 0, -1, 0, "ffffff7f", BV_TIMESTAMP,
	    "2147483647",
	    "\"2038-01-19T03:14:07Z\""},
	{MYSQL_T_TIME, 0, -1, 0, "ffffff", BV_TIME,
	    "'-00:00:01'",
	    "\"-00:00:01\""},
	{MYSQL_T_DATETIME, 0, -1, 0, "40c3775418090000", BV_DATETIME,
	    "'1000-01-01 00:00:00'",
	    "\"1000-01-01T00:00:00\""},
	{MYSQL_T_TIMESTAMP, 0, -1, 0, "00000000", BV_TIMESTAMP,
	    "0",
	    "\"0000-00-00T00:00:00\""},
	{MYSQL_T_TIME, 0, -1, 0, "40e201", BV_TIME,
	    "'12:34:56'",
	    "\"12:34:56\""},
	{MYSQL_T_DATETIME, 0, -1, 0, "80357b3b5f120000", BV_DATETIME,
	    "'2020-02-29 12:34:56'",
	    "\"2020-02-29T12:34:56\""},
	{MYSQL_T_TIMESTAMP, 0, -1, 0, "705a5a5e", BV_TIMESTAMP,
	    "1582979696",
	    "\"2020-02-29T12:34:56Z\""},
	{MYSQL_T_TIME, 0, -1, 0, "000000", BV_TIME,
	    "'00:00:00'",
	    "\"00:00:00\""},
	{MYSQL_T_DATETIME, 0, -1, 0, "0010d32d5f120000", BV_DATETIME,
	    "'2020-00-00 00:00:00'",
	    "\"2020-00-00T00:00:00\""},
	{MYSQL_T_TIME, 0, -1, 0, "402bfe", BV_TIME,
	    "'-12:00:00'",
	    "\"-12:00:00\""},
	{MYSQL_T_DATETIME, 0, -1, 0, "c0a132775f120000", BV_DATETIME,
	    "'2020-12-31 00:00:00'",
	    "\"2020-12-31T00:00:00\""},
	{MYSQL_T_TIMESTAMP, 0, -1, 0, "00ca9a3b", BV_TIMESTAMP,
	    "1000000000",
	    "\"2001-09-09T01:46:40Z\""},
	{MYSQL_T_STRING, 65044, -1, 0, "0800610062d83dde00", BV_STRING,
	    "'\\x00a\\x00b\330=\336\\x00'",
	    "{\"base64\":\"AGEAYtg93gA=\"}"},
	{MYSQL_T_VARCHAR, 600, -1, 0, "0a00007800270079005c007a", BV_STRING,
	    "'\\x00x\\x00'\\x00y\\x00\\\\x00z'",
	    "\"\\u0000x\\u0000'\\u0000y\\u0000\\\\\\u0000z\""},
	{MYSQL_T_STRING, 52768, -1, 0, "0400000003a9", BV_STRING,
	    "'\\x00\\x00\\x03\251'",
	    "{\"base64\":\"AAADqQ==\"}"},
	{MYSQL_T_BLOB, 2, -1, 0, "040000e9000a", BV_BLOB,
	    "'\\x00\351\\x00\\x0a'",
	    "{\"base64\":\"AOkACg==\"}"},
	{MYSQL_T_STRING, 65064, -1, 0, "03b1b2b3", BV_STRING,
	    "'\261\262\263'",
	    "{\"base64\":\"sbKz\"}"},
	{MYSQL_T_VARCHAR, 20, -1, 0, "04d6d0cec4", BV_STRING,
	    "'\326\320\316\304'",
	    "{\"base64\":\"1tDOxA==\"}"},
	{MYSQL_T_STRING, 65044, -1, 0, "00", BV_STRING,
	    "''",
	    "\"\""},
	{MYSQL_T_VARCHAR, 600, -1, 0, "0000", BV_STRING,
	    "''",
	    "\"\""},
	{MYSQL_T_STRING, 52768, -1, 0, "0000", BV_STRING,
	    "''",
	    "\"\""},
	{MYSQL_T_STRING, 65064, -1, 0, "00", BV_STRING,
	    "''",
	    "\"\""},
	{MYSQL_T_TIME2, 2, -1, 0, "7fffffff", BV_TIME,
	    "'-00:00:00.01'",
	    "\"-00:00:00.01\""},
	{MYSQL_T_TIME2, 4, -1, 0, "7fffff0000", BV_TIME,
	    "'-00:00:01.0000'",
	    "\"-00:00:01.0000\""},
	{MYSQL_T_TIME2, 6, -1, 0, "7fffff000000", BV_TIME,
	    "'-00:00:01.000000'",
	    "\"-00:00:01.000000\""},
	{MYSQL_T_TIME2, 2, -1, 0, "7fffff00", BV_TIME,
	    "'-00:00:01.00'",
	    "\"-00:00:01.00\""},
	{MYSQL_T_TIME2, 4, -1, 0, "7ffffeffff", BV_TIME,
	    "'-00:00:01.0001'",
	    "\"-00:00:01.0001\""},
	{MYSQL_T_TIME2, 4, -1, 0, "4b9fffec78", BV_TIME,
	    "'-838:00:00.5000'",
	    "\"-838:00:00.5000\""},
	{MYSQL_T_TIME2, 6, -1, 0, "7ffffeffffff", BV_TIME,
	    "'-00:00:01.000001'",
	    "\"-00:00:01.000001\""},
	{MYSQL_T_SET, 63496, -1, 0, "ffffffffffffffff", BV_SET,
	    "b'11111111111111111111111111111111111111111111111111111111111111"
	    "11'",
	    "18446744073709551615"},
	{MYSQL_T_VARCHAR, 10, -1, 0, "0461620000", BV_STRING,
	    "'ab\\x00\\x00'",
	    "\"ab\\u0000\\u0000\""},
	{MYSQL_T_STRING, 65028, -1, 0, "020061", BV_STRING,
	    "'\\x00a'",
	    "\"\\u0000a\""},
};

/* Values a MariaDB binlog does not carry, or of known signedness/collation. */
static const struct vcase ours[] = {
	/* signedness known: JSON reads it, the binlog text does not */
	{MYSQL_T_TINY, 0, 1, 0, "ff", BV_UINT, "-1 (255)", "255"},
	{MYSQL_T_TINY, 0, 0, 0, "ff", BV_INT, "-1 (255)", "-1"},
	{MYSQL_T_TINY, 0, 1, 0, "7f", BV_UINT, "127", "127"},
	{MYSQL_T_SHORT, 0, 1, 0, "0080", BV_UINT, "-32768 (32768)", "32768"},
	{MYSQL_T_INT24, 0, 1, 0, "ffffff", BV_UINT, "-1 (16777215)",
	    "16777215"},
	{MYSQL_T_LONG, 0, 1, 0, "00000080", BV_UINT,
	    "-2147483648 (2147483648)", "2147483648"},
	{MYSQL_T_LONGLONG, 0, 1, 0, "ffffffffffffffff", BV_UINT,
	    "-1 (18446744073709551615)", "18446744073709551615"},
	{MYSQL_T_LONGLONG, 0, 0, 0, "0000000000000080", BV_INT,
	    "-9223372036854775808 (9223372036854775808)",
	    "-9223372036854775808"},
	/* binary collation: JSON as base64 even when the bytes are text */
	{MYSQL_T_STRING, 0xfe08, -1, 63, "026162", BV_STRING, "'ab'",
	    "{\"base64\":\"YWI=\"}"},
	{MYSQL_T_VARCHAR, 20, -1, 63, "0461620000", BV_STRING,
	    "'ab\\x00\\x00'", "{\"base64\":\"YWIAAA==\"}"},
	{MYSQL_T_BLOB, 2, -1, 63, "0000", BV_BLOB, "''", "{\"base64\":\"\"}"},
	{MYSQL_T_BLOB, 3, -1, 63, "030000ffee01", BV_BLOB,
	    "'\377\356\\x01'", "{\"base64\":\"/+4B\"}"},
	/* ucs2/utf16/utf32 text is not UTF-8 even when the bytes parse so */
	{MYSQL_T_STRING, 0xfe14, -1, 54, "0400610062", BV_STRING,
	    "'\\x00a\\x00b'", "{\"base64\":\"AGEAYg==\"}"},
	{MYSQL_T_VARCHAR, 600, -1, 35, "02000078", BV_STRING, "'\\x00x'",
	    "{\"base64\":\"AHg=\"}"},
	{MYSQL_T_STRING, 0xce20, -1, 160, "040000000061", BV_STRING,
	    "'\\x00\\x00\\x00a'", "{\"base64\":\"AAAAYQ==\"}"},
	{MYSQL_T_STRING, 0xfe14, -1, 45, "0400610062", BV_STRING,
	    "'\\x00a\\x00b'", "\"\\u0000a\\u0000b\""},
	/* invalid UTF-8 in a text column: base64 too */
	{MYSQL_T_VARCHAR, 300, -1, 8, "0200c0af", BV_STRING, "'\300\257'",
	    "{\"base64\":\"wK8=\"}"},
	{MYSQL_T_VARCHAR, 300, -1, 45, "0300eda080", BV_STRING,
	    "'\355\240\200'", "{\"base64\":\"7aCA\"}"},
	{MYSQL_T_VARCHAR, 300, -1, 45, "0400f4908080", BV_STRING,
	    "'\364\220\200\200'", "{\"base64\":\"9JCAgA==\"}"},
	/* MySQL binary JSON: {"a": 1}, a string with a newline, empty */
	{MYSQL_T_JSON, 4, -1, 63, "0d000000" "0001000c000b000100050100" "61",
	    BV_JSON, "'{\"a\": 1}'", "{\"a\": 1}"},
	{MYSQL_T_JSON, 4, -1, 63, "050000000c0361270a", BV_JSON,
	    "'\"a'\\n\"'", "\"a'\\n\""},
	{MYSQL_T_JSON, 4, -1, 63, "00000000", BV_JSON, "'null'", "null"},
	{MYSQL_T_JSON, 2, -1, 63, "02000402", BV_JSON, "'false'", "false"},
	/*
	 * MySQL 9 VECTOR: the floats' bytes, printed as mysqlbinlog -v does;
	 * the last two are the values a 9.7 server logged for
	 * STRING_TO_VECTOR('[1,2,3]') and '[1.5,-2,0]'
	 */
	{MYSQL_T_VECTOR, 4, -1, 63, "080000000000803f00000040", BV_VECTOR,
	    "[1.00000e+00,2.00000e+00]", "{\"base64\":\"AACAPwAAAEA=\"}"},
	{MYSQL_T_VECTOR, 4, -1, 63, "0c0000000000803f0000004000004040",
	    BV_VECTOR, "[1.00000e+00,2.00000e+00,3.00000e+00]",
	    "{\"base64\":\"AACAPwAAAEAAAEBA\"}"},
	{MYSQL_T_VECTOR, 4, -1, 63, "0c0000000000c03f000000c000000000",
	    BV_VECTOR, "[1.50000e+00,-2.00000e+00,0.00000e+00]",
	    "{\"base64\":\"AADAPwAAAMAAAAAA\"}"},
	{MYSQL_T_VECTOR, 4, -1, 63, "00000000", BV_VECTOR, "[]",
	    "{\"base64\":\"\"}"},
	/* GEOMETRY with its SRID: POINT(1 2) */
	{MYSQL_T_GEOMETRY, 4, -1, 63,
	    "19000000" "00000000" "0101000000" "000000000000f03f"
	    "0000000000000040", BV_GEOMETRY,
	    "'\\x00\\x00\\x00\\x00\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00"
	    "\\x00\\x00\\x00\360?\\x00\\x00\\x00\\x00\\x00\\x00\\x00@'",
	    "{\"base64\":\"AAAAAAEBAAAAAAAAAAAA8D8AAAAAAAAAQA==\"}"},
	/*
	 * MariaDB "hires" TIME/DATETIME/TIMESTAMP (mysql56_temporal_format=OFF
	 * with fractions): the bytes a 10.11 server wrote, but with the
	 * precision given in meta, which the binlog itself does not carry
	 * (mariadb-binlog misreads these rows); printed as their MySQL 5.6
	 * counterparts are.
	 */
	{MYSQL_T_TIME, 1, -1, 0, "01cce05b", BV_TIME, "'-00:00:00.5'",
	    "\"-00:00:00.5\""},
	{MYSQL_T_TIME, 2, -1, 0, "1200c38e", BV_TIME, "'-00:00:00.50'",
	    "\"-00:00:00.50\""},
	{MYSQL_T_TIME, 3, -1, 0, "00b407a38c", BV_TIME, "'-00:00:00.500'",
	    "\"-00:00:00.500\""},
	{MYSQL_T_TIME, 4, -1, 0, "07084c6378", BV_TIME, "'-00:00:00.5000'",
	    "\"-00:00:00.5000\""},
	{MYSQL_T_TIME, 5, -1, 0, "4652fbe2b0", BV_TIME, "'-00:00:00.50000'",
	    "\"-00:00:00.50000\""},
	{MYSQL_T_TIME, 6, -1, 0, "02bf3dd6dae0", BV_TIME,
	    "'-00:00:00.500000'", "\"-00:00:00.500000\""},
	{MYSQL_T_TIME, 1, -1, 0, "01cce060", BV_TIME, "'00:00:00.0'",
	    "\"00:00:00.0\""},
	{MYSQL_T_TIME, 3, -1, 0, "00b3ced4c0", BV_TIME, "'-01:02:03.456'",
	    "\"-01:02:03.456\""},
	{MYSQL_T_DATETIME, 1, -1, 0, "00a90ce76d73", BV_DATETIME,
	    "'2020-01-02 03:04:05.1'", "\"2020-01-02T03:04:05.1\""},
	{MYSQL_T_DATETIME, 2, -1, 0, "069a810a4680", BV_DATETIME,
	    "'2020-01-02 03:04:05.12'", "\"2020-01-02T03:04:05.12\""},
	{MYSQL_T_DATETIME, 3, -1, 0, "0042090a66c103", BV_DATETIME,
	    "'2020-01-02 03:04:05.123'", "\"2020-01-02T03:04:05.123\""},
	{MYSQL_T_DATETIME, 4, -1, 0, "0294 5a68038a22", BV_DATETIME,
	    "'2020-01-02 03:04:05.1234'", "\"2020-01-02T03:04:05.1234\""},
	{MYSQL_T_DATETIME, 5, -1, 0, "19cb8810236559", BV_DATETIME,
	    "'2020-01-02 03:04:05.12345'", "\"2020-01-02T03:04:05.12345\""},
	{MYSQL_T_DATETIME, 6, -1, 0, "0101f350a161f580", BV_DATETIME,
	    "'2020-01-02 03:04:05.123456'", "\"2020-01-02T03:04:05.123456\""},
	{MYSQL_T_TIMESTAMP, 1, -1, 0, "5e0d5da501", BV_TIMESTAMP,
	    "1577934245.1", "\"2020-01-02T03:04:05.1Z\""},
	{MYSQL_T_TIMESTAMP, 2, -1, 0, "5e0d5da50c", BV_TIMESTAMP,
	    "1577934245.12", "\"2020-01-02T03:04:05.12Z\""},
	{MYSQL_T_TIMESTAMP, 3, -1, 0, "5e0d5da5007b", BV_TIMESTAMP,
	    "1577934245.123", "\"2020-01-02T03:04:05.123Z\""},
	{MYSQL_T_TIMESTAMP, 4, -1, 0, "5e0d5da504d2", BV_TIMESTAMP,
	    "1577934245.1234", "\"2020-01-02T03:04:05.1234Z\""},
	{MYSQL_T_TIMESTAMP, 5, -1, 0, "5e0d5da5003039", BV_TIMESTAMP,
	    "1577934245.12345", "\"2020-01-02T03:04:05.12345Z\""},
	{MYSQL_T_TIMESTAMP, 6, -1, 0, "5e0d5da501e240", BV_TIMESTAMP,
	    "1577934245.123456", "\"2020-01-02T03:04:05.123456Z\""},
	/* a NEWDATE code prints as DATE */
	{MYSQL_T_NEWDATE, 0, -1, 0, "3fc80f", BV_DATE, "'2020:01:31'",
	    "\"2020-01-31\""},
	/* BIT(1) 0 and BIT(64) high bit */
	{MYSQL_T_BIT, 0x0001, -1, 0, "00", BV_BIT, "b'0'", "0"},
	{MYSQL_T_BIT, 0x0800, -1, 0, "8000000000000000", BV_BIT,
	    "b'10000000000000000000000000000000"
	    "00000000000000000000000000000000'",
	    "9223372036854775808"},
};

/* A value that must be refused: code and offset relative to the buffer. */
struct ecase {
	const char *name;
	uint8_t type;
	uint16_t meta;
	const char *hex;
	enum proto_code code;
	size_t off;
	const char *msg; /* a part of the message */
};

static const struct ecase bad[] = {
	/* truncated: one byte short (or the length prefix cut) per family */
	{"TINY empty", MYSQL_T_TINY, 0, "", PROTO_TRUNCATED, 0, "TINYINT"},
	{"SHORT", MYSQL_T_SHORT, 0, "01", PROTO_TRUNCATED, 0, "SMALLINT"},
	{"INT24", MYSQL_T_INT24, 0, "0102", PROTO_TRUNCATED, 0, "MEDIUMINT"},
	{"LONG", MYSQL_T_LONG, 0, "010203", PROTO_TRUNCATED, 0, "INT"},
	{"LONGLONG", MYSQL_T_LONGLONG, 0, "01020304050607", PROTO_TRUNCATED, 0,
	    "BIGINT"},
	{"FLOAT", MYSQL_T_FLOAT, 4, "000000", PROTO_TRUNCATED, 0, "FLOAT"},
	{"DOUBLE", MYSQL_T_DOUBLE, 8, "00000000000000", PROTO_TRUNCATED, 0,
	    "DOUBLE"},
	{"DECIMAL(10,2)", MYSQL_T_NEWDECIMAL, 0x0a02, "80000000",
	    PROTO_TRUNCATED, 0, "need 5"},
	{"DECIMAL(65,30)", MYSQL_T_NEWDECIMAL, 0x411e, "80", PROTO_TRUNCATED,
	    0, "need 30"},
	{"YEAR", MYSQL_T_YEAR, 0, "", PROTO_TRUNCATED, 0, "YEAR"},
	{"DATE", MYSQL_T_DATE, 0, "3fc8", PROTO_TRUNCATED, 0, "DATE"},
	{"TIME old", MYSQL_T_TIME, 0, "01", PROTO_TRUNCATED, 0, "TIME"},
	{"DATETIME old", MYSQL_T_DATETIME, 0, "00000000000000",
	    PROTO_TRUNCATED, 0, "DATETIME"},
	{"TIMESTAMP old", MYSQL_T_TIMESTAMP, 0, "010000", PROTO_TRUNCATED, 0,
	    "TIMESTAMP"},
	{"TIME2 fsp 0", MYSQL_T_TIME2, 0, "8000", PROTO_TRUNCATED, 0,
	    "TIME2"},
	{"TIME2 fsp 3", MYSQL_T_TIME2, 3, "80000000", PROTO_TRUNCATED, 0,
	    "need 5"},
	{"TIME2 fsp 6", MYSQL_T_TIME2, 6, "8000000000", PROTO_TRUNCATED, 0,
	    "need 6"},
	{"DATETIME2 fsp 0", MYSQL_T_DATETIME2, 0, "80000000", PROTO_TRUNCATED,
	    0, "DATETIME2"},
	{"DATETIME2 fsp 6", MYSQL_T_DATETIME2, 6, "8000000000000",
	    PROTO_TRUNCATED, 0, "need 8"},
	{"TIMESTAMP2 fsp 1", MYSQL_T_TIMESTAMP2, 1, "00000001",
	    PROTO_TRUNCATED, 0, "need 5"},
	{"hires TIME(3)", MYSQL_T_TIME, 3, "00b3ced4", PROTO_TRUNCATED, 0,
	    "need 5"},
	{"hires DATETIME(6)", MYSQL_T_DATETIME, 6, "0101f350a161f5",
	    PROTO_TRUNCATED, 0, "need 8"},
	{"hires TIMESTAMP(2)", MYSQL_T_TIMESTAMP, 2, "5e0d5da5",
	    PROTO_TRUNCATED, 0, "need 5"},
	{"VARCHAR no length", MYSQL_T_VARCHAR, 10, "", PROTO_TRUNCATED, 0,
	    "VARCHAR"},
	{"VARCHAR short data", MYSQL_T_VARCHAR, 10, "05616263",
	    PROTO_TRUNCATED, 1, "need 5"},
	{"VARCHAR 2-byte length cut", MYSQL_T_VARCHAR, 300, "05",
	    PROTO_TRUNCATED, 0, "need 2"},
	{"VARCHAR 2-byte length, short data", MYSQL_T_VARCHAR, 300,
	    "2c01616263", PROTO_TRUNCATED, 2, "need 300"},
	{"CHAR short data", MYSQL_T_STRING, 0xfe05, "0361", PROTO_TRUNCATED,
	    1, "need 3"},
	{"CHAR(100) utf8mb4 length cut", MYSQL_T_STRING, 0xee90, "90",
	    PROTO_TRUNCATED, 0, "need 2"},
	{"TINYBLOB no length", MYSQL_T_BLOB, 1, "", PROTO_TRUNCATED, 0,
	    "BLOB"},
	{"BLOB length cut", MYSQL_T_BLOB, 2, "01", PROTO_TRUNCATED, 0,
	    "need 2"},
	{"MEDIUMBLOB length cut", MYSQL_T_BLOB, 3, "0500", PROTO_TRUNCATED, 0,
	    "need 3"},
	{"LONGBLOB short data", MYSQL_T_BLOB, 4, "050000006162",
	    PROTO_TRUNCATED, 4, "need 5"},
	{"LONGBLOB huge length", MYSQL_T_BLOB, 4, "ffffffff00",
	    PROTO_TRUNCATED, 4, "need 4294967295"},
	{"JSON short", MYSQL_T_JSON, 4, "0a000000", PROTO_TRUNCATED, 4,
	    "JSON"},
	{"GEOMETRY short", MYSQL_T_GEOMETRY, 4, "1900000000",
	    PROTO_TRUNCATED, 4, "GEOMETRY"},
	{"VECTOR short", MYSQL_T_VECTOR, 4, "08000000000080", PROTO_TRUNCATED,
	    4, "VECTOR"},
	{"VECTOR not whole floats", MYSQL_T_VECTOR, 4, "060000000000803f0000",
	    PROTO_MALFORMED, 0, "4 bytes per dimension"},
	{"BIT(9)", MYSQL_T_BIT, 0x0101, "01", PROTO_TRUNCATED, 0, "BIT"},
	{"BIT(64)", MYSQL_T_BIT, 0x0800, "ffffffffffffff", PROTO_TRUNCATED, 0,
	    "need 8"},
	{"ENUM 2 bytes", MYSQL_T_ENUM, 0xf702, "01", PROTO_TRUNCATED, 0,
	    "ENUM"},
	{"SET 8 bytes", MYSQL_T_SET, 0xf808, "01020304", PROTO_TRUNCATED, 0,
	    "SET"},

	/* impossible metadata */
	{"BLOB 5 length bytes", MYSQL_T_BLOB, 5, "0000000000",
	    PROTO_MALFORMED, 0, "length bytes"},
	{"BLOB 0 length bytes", MYSQL_T_BLOB, 0, "00", PROTO_MALFORMED, 0,
	    "length bytes"},
	{"DECIMAL precision 0", MYSQL_T_NEWDECIMAL, 0x0000, "80",
	    PROTO_MALFORMED, 0, "precision"},
	{"DECIMAL precision 66", MYSQL_T_NEWDECIMAL, 0x4200, "80",
	    PROTO_MALFORMED, 0, "precision"},
	{"DECIMAL scale > precision", MYSQL_T_NEWDECIMAL, 0x0203, "80",
	    PROTO_MALFORMED, 0, "precision"},
	{"DECIMAL scale 31", MYSQL_T_NEWDECIMAL, 0x411f, "80",
	    PROTO_MALFORMED, 0, "precision"},
	{"BIT extra bits 8", MYSQL_T_BIT, 0x0008, "00", PROTO_MALFORMED, 0,
	    "bit count"},
	{"BIT(72)", MYSQL_T_BIT, 0x0900, "00", PROTO_MALFORMED, 0,
	    "bit count"},
	{"BIT(0)", MYSQL_T_BIT, 0x0000, "00", PROTO_MALFORMED, 0,
	    "bit count"},
	{"ENUM pack length 3", MYSQL_T_ENUM, 0xf703, "000000",
	    PROTO_MALFORMED, 0, "pack length"},
	{"SET pack length 9", MYSQL_T_SET, 0xf809, "000000000000000000",
	    PROTO_MALFORMED, 0, "pack length"},
	{"FLOAT pack length 8", MYSQL_T_FLOAT, 8, "0000000000000000",
	    PROTO_MALFORMED, 0, "pack length"},
	{"TIME2 fsp 7", MYSQL_T_TIME2, 7, "80000000000000", PROTO_MALFORMED,
	    0, "fractional digits"},
	{"hires DATETIME fsp 9", MYSQL_T_DATETIME, 9, "0000000000000000",
	    PROTO_MALFORMED, 0, "fractional digits"},

	/* impossible values */
	{"VARCHAR(10) holding 11", MYSQL_T_VARCHAR, 10,
	    "0b6161616161616161616161", PROTO_MALFORMED, 0, "longer"},
	{"CHAR(2) holding 3", MYSQL_T_STRING, 0xfe02, "03616161",
	    PROTO_MALFORMED, 0, "longer"},
	{"BIT(3) holding 0x0f", MYSQL_T_BIT, 0x0003, "0f", PROTO_MALFORMED,
	    0, "wider"},
	{"DATE month 13", MYSQL_T_DATE, 0, "a1c90f", PROTO_MALFORMED, 0,
	    "DATE"},
	{"TIME old second 60", MYSQL_T_TIME, 0, "3c0000", PROTO_MALFORMED, 0,
	    "TIME"},
	{"TIME old 839 hours", MYSQL_T_TIME, 0, "18cd7f", PROTO_MALFORMED, 0,
	    "TIME"},
	{"DATETIME old month 13", MYSQL_T_DATETIME, 0, "80e7ab30b8120000",
	    PROTO_MALFORMED, 0, "DATETIME"},
	{"TIME2 minute 60", MYSQL_T_TIME2, 0, "801f00", PROTO_MALFORMED, 0,
	    "TIME2"},
	{"TIME2 fsp 2 fraction 2.55 s", MYSQL_T_TIME2, 2, "7fffff01",
	    PROTO_MALFORMED, 0, "TIME2"},
	{"TIME2 fsp 6 fraction over a second", MYSQL_T_TIME2, 6,
	    "800000ffffff", PROTO_MALFORMED, 0, "TIME2"},
	{"DATETIME2 negative", MYSQL_T_DATETIME2, 0, "7fffffffff",
	    PROTO_MALFORMED, 0, "negative"},
	{"DATETIME2 hour 24", MYSQL_T_DATETIME2, 0, "8000018000",
	    PROTO_MALFORMED, 0, "DATETIME2"},
	{"TIMESTAMP2 fraction 1.00", MYSQL_T_TIMESTAMP2, 2, "0000000164",
	    PROTO_MALFORMED, 0, "fraction"},
	{"TIMESTAMP2 fsp 4 fraction 6.5535 s", MYSQL_T_TIMESTAMP2, 4,
	    "00000001ffff", PROTO_MALFORMED, 0, "fraction"},
	{"hires TIME beyond 838:59:59", MYSQL_T_TIME, 1, "ffffffff",
	    PROTO_MALFORMED, 0, "range"},

	/* MariaDB compressed columns: their stored form, with its length */
	{"BLOB COMPRESSED length cut", MYSQL_T_BLOB_COMPRESSED, 2, "01",
	    PROTO_TRUNCATED, 0, "BLOB COMPRESSED"},
	{"BLOB COMPRESSED data cut", MYSQL_T_BLOB_COMPRESSED, 2, "0500008061",
	    PROTO_TRUNCATED, 2, "BLOB COMPRESSED"},
	{"VARCHAR COMPRESSED data cut", MYSQL_T_VARCHAR_COMPRESSED, 100, "0300",
	    PROTO_TRUNCATED, 1, "VARCHAR COMPRESSED"},

	/* refused types */
	{"old DECIMAL", MYSQL_T_DECIMAL, 0, "00", PROTO_UNSUPPORTED, 0,
	    "DECIMAL (pre-5.0)"},
	{"NULL type", MYSQL_T_NULL, 0, "", PROTO_UNSUPPORTED, 0, "NULL"},
	{"TYPED_ARRAY", MYSQL_T_TYPED_ARRAY, 0, "00", PROTO_UNSUPPORTED, 0,
	    "TYPED_ARRAY"},
	{"type 100", 100, 0, "00", PROTO_UNSUPPORTED, 0, "unknown column type"},
};

/* Decode hex (spaces allowed) into a fresh heap buffer of exactly its size. */
static uint8_t *
unhex(const char *hex, size_t *n)
{
	size_t len = strlen(hex), k = 0;
	uint8_t *p = malloc(len / 2 + 1);

	for (size_t i = 0; i < len; i++) {
		if (hex[i] == ' ')
			continue;
		unsigned x;
		sscanf(hex + i, "%2x", &x);
		p[k++] = (uint8_t)x;
		i++;
	}
	*n = k;
	/* shrink so that ASan catches a read one past the end */
	uint8_t *q = malloc(k ? k : 1);
	memcpy(q, p, k);
	free(p);
	return q;
}

static void
check_value(const struct vcase *tc)
{
	struct binlog_col col = {.type = tc->type, .meta = tc->meta,
	    .is_unsigned = tc->uns, .charset = tc->charset};
	struct binlog_value v;
	struct proto_err err = {0};
	struct sbuf out = {0};
	struct cur c;
	size_t n;
	uint8_t *buf = unhex(tc->hex, &n);
	char name[96];

	snprintf(name, sizeof(name), "type %u meta %u bytes %.40s", tc->type,
	    tc->meta, tc->hex);
	T_CASE(name);
	cur_init(&c, buf, n, BASE, &err);
	memset(&v, 0xa5, sizeof(v));
	if (!binlog_value_decode(&col, &c, &v)) {
		T_CHECK(0, "decode failed: %s", err.msg);
		free(buf);
		return;
	}
	T_CHECK(c.pos == n, "consumed %zu of %zu bytes", c.pos, n);
	T_CHECK(v.kind == tc->kind, "kind %u, want %u", v.kind, tc->kind);
	T_CHECK(value_print_binlog(&out, &col, &v, &err), "print: %s",
	    err.msg);
	T_STREQ(out.p, out.len, tc->binlog);
	sbuf_reset(&out);
	T_CHECK(value_print_json(&out, &col, &v, &err), "json: %s", err.msg);
	T_STREQ(out.p, out.len, tc->json);
	sbuf_free(&out);
	free(buf);
}

static void
check_bad(const struct ecase *tc)
{
	struct binlog_col col = {.type = tc->type, .meta = tc->meta,
	    .is_unsigned = -1};
	struct binlog_value v;
	struct proto_err err = {0};
	struct cur c;
	size_t n;
	uint8_t *buf = unhex(tc->hex, &n);

	T_CASE(tc->name);
	cur_init(&c, buf, n, BASE, &err);
	T_CHECK(!binlog_value_decode(&col, &c, &v), "decoded, want an error");
	T_CHECK(err.code == tc->code, "code %d, want %d (%s)", err.code,
	    tc->code, err.msg);
	T_CHECK(err.offset == BASE + tc->off, "offset %llu, want %llu",
	    (unsigned long long)err.offset,
	    (unsigned long long)(BASE + tc->off));
	T_CHECK(strstr(err.msg, tc->msg) != NULL, "message \"%s\" lacks \"%s\"",
	    err.msg, tc->msg);
	free(buf);
}

/* A DECIMAL's bytes and the text wanted, or NULL for a malformed one. */
struct dcase {
	unsigned precision, scale;
	const char *hex;
	const char *want;
};

static const struct dcase decs[] = {
	{10, 2, "800004d232", "1234.50"},
	{10, 2, "7ffffb2dcd", "-1234.50"},
	{1, 1, "85", "0.5"},
	{1, 0, "89", "9"},
	{2, 2, "80", "0.00"},
	{2, 2, "7f", "-0.00"},  /* negative zero keeps its sign with a scale */
	{9, 0, "7fffffff", "0"}, /* and loses it without (bin2decimal) */
	{19, 0, "800000000000000001", "1"},
	{10, 0, "803b9aca00", NULL},    /* group 1000000000 */
	{10, 0, "8a00000000", NULL},    /* 10 in a 1-digit leading group */
	{4, 4, "a710", NULL},           /* 4-digit fraction 10000 */
	{10, 2, "800004d2", NULL},      /* one byte short */
	{10, 2, "800004d23200", NULL},  /* one byte long */
	{66, 0, "80", NULL},
};

static void
check_decimal(void)
{
	static const unsigned sizes[][3] = {{65, 30, 30}, {10, 2, 5},
	    {5, 5, 3}, {1, 0, 1}, {9, 9, 4}, {18, 9, 8}, {10, 0, 5},
	    {19, 10, 9}, {30, 0, 14}, {4, 2, 2}};

	T_CASE("decimal_bin_size");
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		T_CHECK(decimal_bin_size(sizes[i][0], sizes[i][1]) ==
		    sizes[i][2], "DECIMAL(%u,%u): %zu, want %u", sizes[i][0],
		    sizes[i][1], decimal_bin_size(sizes[i][0], sizes[i][1]),
		    sizes[i][2]);
	for (size_t i = 0; i < sizeof(decs) / sizeof(decs[0]); i++) {
		const struct dcase *d = &decs[i];
		struct sbuf out = {0};
		struct proto_err err = {0};
		size_t n;
		uint8_t *buf = unhex(d->hex, &n);
		bool ok;

		T_CASE(d->hex);
		ok = decimal_to_text(&out, buf, n, d->precision, d->scale,
		    &err);
		if (d->want == NULL)
			T_CHECK(!ok && err.code == PROTO_MALFORMED,
			    "accepted as \"%.*s\"", (int)out.len,
			    out.p ? out.p : "");
		else {
			T_CHECK(ok, "%s", err.msg);
			if (ok)
				T_STREQ(out.p, out.len, d->want);
		}
		sbuf_free(&out);
		free(buf);
	}
}

/* Several values in one buffer: each decode starts where the last ended. */
static void
check_row(void)
{
	static const struct binlog_col cols[] = {
		{.type = MYSQL_T_LONG, .is_unsigned = -1},
		{.type = MYSQL_T_VARCHAR, .meta = 20},
		{.type = MYSQL_T_NEWDECIMAL, .meta = 0x0a02},
		{.type = MYSQL_T_BLOB, .meta = 2},
	};
	size_t n;
	uint8_t *buf = unhex("2a000000" "03616263" "800004d232" "0100ff", &n);
	struct binlog_value v[4];
	struct proto_err err = {0};
	struct cur c;
	bool ok = true;

	T_CASE("row of four values");
	cur_init(&c, buf, n, BASE, &err);
	for (int i = 0; i < 4 && ok; i++)
		ok = binlog_value_decode(&cols[i], &c, &v[i]);
	T_CHECK(ok && c.pos == n, "%s, at %zu of %zu", err.msg, c.pos, n);
	T_CHECK(v[0].kind == BV_INT && v[0].i == 42, "int %lld",
	    (long long)v[0].i);
	T_CHECK(v[1].bytes.p == buf + 5 && v[1].bytes.len == 3,
	    "string view not into the buffer");
	T_CHECK(v[2].dec.p == buf + 8 && v[2].dec.len == 5 &&
	    v[2].dec.precision == 10 && v[2].dec.scale == 2, "decimal view");
	T_CHECK(v[3].bytes.p == buf + 15 && v[3].bytes.len == 1 &&
	    v[3].bytes.p[0] == 0xff, "blob view");

	/* the last value one byte short: error at its data, absolute */
	memset(&err, 0, sizeof(err));
	cur_init(&c, buf, n - 1, BASE, &err);
	for (int i = 0; i < 4 && ok; i++)
		ok = binlog_value_decode(&cols[i], &c, &v[i]);
	T_CHECK(!ok && err.code == PROTO_TRUNCATED && err.offset == BASE + 15,
	    "code %d offset %llu: %s", err.code,
	    (unsigned long long)err.offset, err.msg);
	free(buf);
}

/* Printing refuses what it cannot print. */
static void
check_print_errors(void)
{
	struct binlog_col col = {.type = MYSQL_T_NEWDECIMAL, .meta = 0x0a00};
	struct binlog_value v = {.kind = BV_DECIMAL};
	static const uint8_t bad10[] = {0x80, 0x3b, 0x9a, 0xca, 0x00};
	struct proto_err err = {0};
	struct sbuf out = {0};

	T_CASE("print a malformed DECIMAL");
	v.dec.p = bad10;
	v.dec.len = sizeof(bad10);
	v.dec.precision = 10;
	v.dec.scale = 0;
	T_CHECK(!value_print_binlog(&out, &col, &v, &err) &&
	    err.code == PROTO_MALFORMED, "printed \"%.*s\"", (int)out.len,
	    out.p ? out.p : "");
	memset(&err, 0, sizeof(err));
	T_CHECK(!value_print_json(&out, &col, &v, &err) &&
	    err.code == PROTO_MALFORMED, "printed as JSON");

	T_CASE("print an absent column");
	v.kind = BV_ABSENT;
	memset(&err, 0, sizeof(err));
	T_CHECK(!value_print_binlog(&out, &col, &v, &err), "printed");

	T_CASE("print a JSON diff");
	v.kind = BV_JSON_DIFF;
	memset(&err, 0, sizeof(err));
	T_CHECK(!value_print_binlog(&out, &col, &v, &err) &&
	    err.code == PROTO_UNSUPPORTED, "printed");

	T_CASE("print NULL");
	v.kind = BV_NULL;
	sbuf_reset(&out);
	T_CHECK(value_print_binlog(&out, &col, &v, &err), "failed");
	T_STREQ(out.p, out.len, "NULL");
	sbuf_reset(&out);
	T_CHECK(value_print_json(&out, &col, &v, &err), "failed");
	T_STREQ(out.p, out.len, "null");
	sbuf_free(&out);
}

/* json_string(): escapes, UTF-8 kept, invalid bytes as \u00XX. */
static void
check_json_string(void)
{
	static const struct {
		const char *in;
		size_t len;
		const char *want;
	} js[] = {
		{"", 0, "\"\""},
		{"a\"b\\c", 5, "\"a\\\"b\\\\c\""},
		{"\n\r\t\b\f\001\037\177", 8,
		    "\"\\n\\r\\t\\b\\f\\u0001\\u001f\177\""},
		{"\0x", 2, "\"\\u0000x\""},
		{"\xc3\xa9\xf0\x9f\x98\x80", 6, "\"\xc3\xa9\xf0\x9f\x98\x80\""},
		{"\xe9t\xe9", 3, "\"\\u00e9t\\u00e9\""},
		{"\xc0\xaf", 2, "\"\\u00c0\\u00af\""},         /* overlong */
		/* a surrogate */
		{"\xed\xa0\x80", 3, "\"\\u00ed\\u00a0\\u0080\""},
		{"\xf0\x9f\x98", 3, "\"\\u00f0\\u009f\\u0098\""}, /* cut */
	};
	struct sbuf out = {0};

	for (size_t i = 0; i < sizeof(js) / sizeof(js[0]); i++) {
		T_CASE(js[i].want);
		sbuf_reset(&out);
		json_string(&out, (const uint8_t *)js[i].in, js[i].len);
		T_STREQ(out.p, out.len, js[i].want);
	}
	sbuf_free(&out);
}

/*
 * MariaDB compressed column values: header 0 (stored as is), 0x80 | n with
 * n length bytes and a zlib-wrapped stream, 0x88 | n with raw deflate; the
 * streams made here with zlib, as the server does.
 */
static size_t
comp_value(uint8_t *out, size_t cap, const uint8_t *in, size_t len, bool raw,
    unsigned n)
{
	z_stream z;

	memset(&z, 0, sizeof(z));
	out[0] = (uint8_t)(0x80 | n | (raw ? 0x08 : 0));
	for (unsigned i = 0; i < n; i++)
		out[1 + i] = (uint8_t)(len >> (8 * (n - 1 - i)));
	if (deflateInit2(&z, 6, Z_DEFLATED, raw ? -MAX_WBITS : MAX_WBITS, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		return 0;
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	z.next_out = out + 1 + n;
	z.avail_out = (uInt)(cap - 1 - n);
	if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
		deflateEnd(&z);
		return 0;
	}
	deflateEnd(&z);
	return 1 + n + z.total_out;
}

static void
check_column_uncompress(void)
{
	static uint8_t big[70000], buf[80000];
	struct sbuf out = { 0 };
	struct proto_err err;
	size_t n;

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)"abcabd\0\xff"[i % 8];

	T_CASE("compressed column: empty");
	memset(&err, 0, sizeof(err));
	T_CHECK(binlog_column_uncompress(buf, 0, 100, &out, &err) && out.len == 0,
	    "%s", err.msg);

	T_CASE("compressed column: stored as is");
	memcpy(buf, "\0x\0y", 4);
	T_CHECK(binlog_column_uncompress(buf, 4, 100, &out, &err) && out.len == 3 &&
	    memcmp(out.p, "x\0y", 3) == 0, "%s", err.msg);

	for (int raw = 0; raw <= 1; raw++) {
		T_CASE(raw ? "compressed column: raw deflate, 3 length bytes" :
		    "compressed column: zlib-wrapped, 3 length bytes");
		n = comp_value(buf, sizeof(buf), big, sizeof(big), raw, 3);
		T_CHECK(n > 0 && n < 2000, "compressed to %zu bytes", n);
		T_CHECK(binlog_column_uncompress(buf, n, 0xffffff, &out, &err) &&
		    out.len == sizeof(big) && memcmp(out.p, big, sizeof(big)) == 0,
		    "%s", err.msg);
		T_CASE("compressed column: more than the column holds");
		T_CHECK(!binlog_column_uncompress(buf, n, sizeof(big) - 1, &out, &err) &&
		    err.code == PROTO_MALFORMED, "accepted");
		T_CASE("compressed column: truncated stream");
		T_CHECK(!binlog_column_uncompress(buf, n - 5, 0xffffff, &out, &err),
		    "accepted");
		T_CASE("compressed column: stream longer than announced");
		buf[3]--;
		T_CHECK(!binlog_column_uncompress(buf, n, 0xffffff, &out, &err),
		    "accepted");
	}
	T_CASE("compressed column: 1 length byte, wrapped");
	n = comp_value(buf, sizeof(buf), (const uint8_t *)"hello hello hello", 17, false, 1);
	T_CHECK(n > 0 && binlog_column_uncompress(buf, n, 255, &out, &err) &&
	    out.len == 17 && memcmp(out.p, "hello hello hello", 17) == 0, "%s", err.msg);
	T_CASE("compressed column: bad headers");
	buf[0] = 0x01;
	T_CHECK(!binlog_column_uncompress(buf, n, 255, &out, &err), "0x01 accepted");
	buf[0] = 0x91;
	T_CHECK(!binlog_column_uncompress(buf, n, 255, &out, &err), "0x91 accepted");
	buf[0] = 0x80;
	T_CHECK(!binlog_column_uncompress(buf, n, 255, &out, &err), "0x80 accepted");
	buf[0] = 0x84;
	T_CHECK(!binlog_column_uncompress(buf, 3, 255, &out, &err), "short accepted");
	/* 10 bytes of stream cannot hold 1 GiB: refused before any allocation */
	memcpy(buf, "\x84\x40\x00\x00\x00", 5);
	memset(buf + 5, 0, 10);
	memset(&err, 0, sizeof(err));
	T_CHECK(!binlog_column_uncompress(buf, 15, 0xffffffff, &out, &err) &&
	    strstr(err.msg, "claim to inflate") != NULL, "1 GiB claim: %s", err.msg);
	sbuf_free(&out);
}

int
main(void)
{
	for (size_t i = 0; i < sizeof(verified) / sizeof(verified[0]); i++)
		check_value(&verified[i]);
	for (size_t i = 0; i < sizeof(ours) / sizeof(ours[0]); i++)
		check_value(&ours[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		check_bad(&bad[i]);
	check_decimal();
	check_row();
	check_print_errors();
	check_json_string();
	check_column_uncompress();
	return t_done();
}

/* test_xid.c: XA statements in every literal form give one canonical xid. */
#include <string.h>

#include "src/sqlclass.h"
#include "src/xid.h"
#include "tests/unit/t.h"

static const struct {
	const char *name, *sql;
	uint64_t sql_mode;
	bool ok;
	enum xa_verb verb;
	const char *xid;
	bool one_phase;
} cases[] = {
	{ "quoted gtrid", "XA PREPARE 'xc'", 0, true, XA_V_PREPARE, "X'7863',X'',1", false },
	{ "MySQL's logged form", "XA COMMIT X'7863',X'',1", 0, true, XA_V_COMMIT,
	    "X'7863',X'',1", false },
	{ "0x literals, format 7", "xa rollback 0x00FF27,0x5c,7", 0, true, XA_V_ROLLBACK,
	    "X'00ff27',X'5c',7", false },
	{ "escapes in a quoted gtrid", "XA START 'a''b\\\\c'", 0, true, XA_V_START,
	    "X'6127625c63',X'',1", false },
	{ "no backslash escapes", "XA END 'a\\b'", SQL_MODE_NO_BACKSLASH_ESCAPES, true, XA_V_END,
	    "X'615c62',X'',1", false },
	{ "one phase", "XA COMMIT 'x1' ONE PHASE", 0, true, XA_V_COMMIT, "X'7831',X'',1", true },
	{ "BEGIN is START", "XA BEGIN 'b', 'q', 18", 0, true, XA_V_START, "X'62',X'71',18", false },
	{ "not XA", "COMMIT", 0, false, XA_V_COMMIT, NULL, false },
	{ "XA RECOVER is not a transaction's", "XA RECOVER", 0, false, XA_V_COMMIT, NULL, false },
};

int
main(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum xa_verb verb = XA_V_COMMIT;
		char xid[300] = "";
		bool one = false, ok;

		T_CASE(cases[i].name);
		ok = xa_parse(cases[i].sql, strlen(cases[i].sql), cases[i].sql_mode, &verb, xid,
		    sizeof(xid), &one);
		T_CHECK(ok == cases[i].ok, "parsed %d", ok);
		if (!ok || !cases[i].ok)
			continue;
		T_CHECK(verb == cases[i].verb, "verb %d", (int)verb);
		T_STREQ(xid, strlen(xid), cases[i].xid);
		T_CHECK(one == cases[i].one_phase, "one phase %d", one);
	}
	T_CASE("format digits end at the token (the statement is not NUL-terminated)");
	{
		enum xa_verb verb;
		char xid[300];
		bool one;
		const char buf2[] = "XA COMMIT 'x','',18";
		T_CHECK(xa_parse(buf2, sizeof(buf2) - 2, 0, &verb, xid, sizeof(xid), &one) &&
		    strcmp(xid, "X'78',X'',1") == 0, "within the length: %s", xid);
	}
	T_CASE("xid lists match whole lines only");
	T_CHECK(xid_listed("\nX'61',X'',1\nX'6162',X'',1\n", "X'6162',X'',1"), "second");
	T_CHECK(!xid_listed("\nX'61',X'6162',X'',1\n", "X'6162',X'',1"), "a tail of another");
	T_CHECK(!xid_listed("\nX'61',X'',12\n", "X'61',X'',1"), "a head of another");
	T_CHECK(!xid_listed(NULL, "X'61',X'',1"), "no list");
	return t_done();
}

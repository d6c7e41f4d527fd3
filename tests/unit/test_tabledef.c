/* test_tabledef.c: SHOW CREATE TABLE lines and statements made fit for the other vendor. */
#include <stdlib.h>
#include <string.h>

#include "proto/sbuf.h"
#include "src/tabledef.h"
#include "tests/unit/t.h"

/* One line from a source vendor to a destination vendor. */
static const struct {
	const char *name, *line;
	bool src_mariadb, dst_mariadb;
	const char *want;            /* NULL: left out */
} lines[] = {
	{ "MySQL invisible column to MariaDB",
	    "`h` int DEFAULT NULL /*!80023 INVISIBLE */", false, true,
	    "`h` int DEFAULT NULL INVISIBLE" },
	{ "MySQL invisible column to MySQL",
	    "`h` int DEFAULT NULL /*!80023 INVISIBLE */", false, false,
	    "`h` int DEFAULT NULL INVISIBLE" },
	{ "MySQL invisible index to MariaDB",
	    "KEY `k` (`c`) /*!80000 INVISIBLE */", false, true, "KEY `k` (`c`) IGNORED" },
	{ "MySQL invisible unique index with comment to MariaDB",
	    "UNIQUE KEY `u` (`d`) COMMENT 'x' /*!80000 INVISIBLE */", false, true,
	    "UNIQUE KEY `u` (`d`) COMMENT 'x' IGNORED" },
	{ "MySQL invisible index to MySQL",
	    "KEY `k` (`c`) /*!80000 INVISIBLE */", false, false, "KEY `k` (`c`) INVISIBLE" },
	{ "MySQL CHECK NOT ENFORCED to MariaDB",
	    "CONSTRAINT `c1` CHECK ((`a` > 0)) /*!80016 NOT ENFORCED */", false, true, NULL },
	{ "MySQL CHECK NOT ENFORCED to MySQL",
	    "CONSTRAINT `c1` CHECK ((`a` > 0)) /*!80016 NOT ENFORCED */", false, false,
	    "CONSTRAINT `c1` CHECK ((`a` > 0)) /*!80016 NOT ENFORCED */" },
	{ "MySQL enforced CHECK to MariaDB",
	    "CONSTRAINT `c1` CHECK ((`a` > 0))", false, true, "CONSTRAINT `c1` CHECK ((`a` > 0))" },
	{ "MariaDB ignored index to MySQL",
	    "KEY `k` (`c`) IGNORED", true, false, "KEY `k` (`c`) INVISIBLE" },
	{ "MariaDB ignored unique index with comment to MySQL",
	    "UNIQUE KEY `u` (`d`) COMMENT 'x' IGNORED", true, false,
	    "UNIQUE KEY `u` (`d`) COMMENT 'x' INVISIBLE" },
	{ "MariaDB comment ending in IGNORED stays",
	    "KEY `k` (`c`) COMMENT 'was IGNORED'", true, false,
	    "KEY `k` (`c`) COMMENT 'was IGNORED'" },
	{ "MariaDB column named IGNORED stays",
	    "`x` int DEFAULT NULL COMMENT 'a' IGNORED", true, false,
	    "`x` int DEFAULT NULL COMMENT 'a' IGNORED" },
	{ "MariaDB ignored index to MariaDB",
	    "KEY `k` (`c`) IGNORED", true, true, "KEY `k` (`c`) IGNORED" },
	{ "MariaDB invisible column to MySQL",
	    "`e` int(11) INVISIBLE DEFAULT NULL", true, false,
	    "`e` int(11) INVISIBLE DEFAULT NULL" },
};

int
main(void)
{
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		struct sbuf out = { 0 };
		const char *why = NULL;
		bool kept;

		T_CASE(lines[i].name);
		kept = tabledef_line(lines[i].line, lines[i].src_mariadb, lines[i].dst_mariadb,
		    &out, &why);
		if (lines[i].want == NULL) {
			T_CHECK(!kept && out.len == 0 && why != NULL, "kept \"%.*s\"",
			    (int)out.len, out.p ? out.p : "");
		} else {
			T_CHECK(kept, "left out: %s", why ? why : "");
			T_STREQ(out.p ? out.p : "", out.len, lines[i].want);
		}
		sbuf_free(&out);
	}

	/* whole statements: the line left out last takes its comma away */
	T_CASE("statement, CHECK last left out on MariaDB");
	unsigned dropped;
	char *s = tabledef_statement("CREATE TABLE `t` (\n"
	    "  `a` int NOT NULL,\n"
	    "  `h` int DEFAULT NULL /*!80023 INVISIBLE */,\n"
	    "  PRIMARY KEY (`a`),\n"
	    "  KEY `k` (`h`) /*!80000 INVISIBLE */,\n"
	    "  CONSTRAINT `c1` CHECK ((`a` > 0)) /*!80016 NOT ENFORCED */\n"
	    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4\n"
	    "/*!50100 PARTITION BY HASH (`a`)\n"
	    "PARTITIONS 2 */", false, true, &dropped, NULL);
	const char *want = "CREATE TABLE `t` (\n"
	    "  `a` int NOT NULL,\n"
	    "  `h` int DEFAULT NULL INVISIBLE,\n"
	    "  PRIMARY KEY (`a`),\n"
	    "  KEY `k` (`h`) IGNORED\n"
	    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4\n"
	    "/*!50100 PARTITION BY HASH (`a`)\n"
	    "PARTITIONS 2 */";
	T_CHECK(s != NULL, "NULL");
	T_STREQ(s ? s : "", s ? strlen(s) : 0, want);
	T_CHECK(dropped == 1, "dropped %u", dropped);
	free(s);

	T_CASE("statement, MariaDB to MySQL");
	s = tabledef_statement("CREATE TABLE `a` (\n"
	    "  `id` int(11) NOT NULL,\n"
	    "  `c` int(11) DEFAULT NULL,\n"
	    "  PRIMARY KEY (`id`),\n"
	    "  KEY `k` (`c`) IGNORED\n"
	    ") ENGINE=InnoDB", true, false, &dropped, NULL);
	want = "CREATE TABLE `a` (\n"
	    "  `id` int(11) NOT NULL,\n"
	    "  `c` int(11) DEFAULT NULL,\n"
	    "  PRIMARY KEY (`id`),\n"
	    "  KEY `k` (`c`) INVISIBLE\n"
	    ") ENGINE=InnoDB";
	T_STREQ(s ? s : "", s ? strlen(s) : 0, want);
	T_CHECK(dropped == 0, "dropped %u", dropped);
	free(s);

	T_CASE("statement without a body stays");
	s = tabledef_statement("CREATE TABLE `x` (`a` int)", true, false, &dropped, NULL);
	T_STREQ(s ? s : "", s ? strlen(s) : 0, "CREATE TABLE `x` (`a` int)");
	free(s);

	/* table options one vendor has and the other refuses */
	static const struct {
		const char *name, *line;
		bool src_mariadb, dst_mariadb;
		const char *want, *note;
	} opts[] = {
		{ "MariaDB page compression to MySQL",
		  ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 `PAGE_COMPRESSED`='1' "
		  "`PAGE_COMPRESSION_LEVEL`='3'", true, false,
		  ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
		  "`PAGE_COMPRESSED`='1' left out, `PAGE_COMPRESSION_LEVEL`='3' left out" },
		{ "Aria to MySQL",
		  ") ENGINE=Aria DEFAULT CHARSET=latin1 PAGE_CHECKSUM=1 ROW_FORMAT=PAGE "
		  "TRANSACTIONAL=1 COMMENT='a''b \\\\ PAGE_CHECKSUM=1'", true, false,
		  ") ENGINE=InnoDB DEFAULT CHARSET=latin1 COMMENT='a''b \\\\ PAGE_CHECKSUM=1'",
		  "ENGINE=Aria became InnoDB (MySQL has no Aria), PAGE_CHECKSUM=1 left out, "
		  "ROW_FORMAT=PAGE left out, TRANSACTIONAL=1 left out" },
		{ "MariaDB to MariaDB unchanged",
		  ") ENGINE=Aria PAGE_CHECKSUM=1 `PAGE_COMPRESSED`='1'", true, true,
		  ") ENGINE=Aria PAGE_CHECKSUM=1 `PAGE_COMPRESSED`='1'", "" },
		{ "MySQL to MariaDB",
		  ") /*!80023 AUTOEXTEND_SIZE=4194304 */ ENGINE=InnoDB DEFAULT "
		  "CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci COMPRESSION='zlib' "
		  "SECONDARY_ENGINE=RAPID", false, true,
		  ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci",
		  "AUTOEXTEND_SIZE=4194304 left out, COMPRESSION='zlib' left out, "
		  "SECONDARY_ENGINE=RAPID left out" },
		{ "MySQL to MySQL unchanged",
		  ") ENGINE=InnoDB COMPRESSION='zlib'", false, false,
		  ") ENGINE=InnoDB COMPRESSION='zlib'", "" },
		{ "a form not known is kept from there on",
		  ") ENGINE=InnoDB `PAGE_COMPRESSED`='1' STRANGE WORDS", true, false,
		  ") ENGINE=InnoDB STRANGE WORDS", "`PAGE_COMPRESSED`='1' left out" },
	};
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		struct sbuf out = { 0 }, note = { 0 };
		T_CASE(opts[i].name);
		T_CHECK(tabledef_options(opts[i].line, opts[i].src_mariadb, opts[i].dst_mariadb,
		    &out, &note), "out of memory");
		T_STREQ(out.p ? out.p : "", out.len, opts[i].want);
		T_STREQ(note.p ? note.p : "", note.len, opts[i].note);
		sbuf_free(&out);
		sbuf_free(&note);
	}

	T_CASE("statement: the options line and the partitioning after it");
	{
		struct sbuf note = { 0 };
		s = tabledef_statement("CREATE TABLE `p` (\n"
		    "  `id` int(11) NOT NULL\n"
		    ") ENGINE=InnoDB `PAGE_COMPRESSED`='ON'\n"
		    " PARTITION BY HASH (`id`)\n"
		    "PARTITIONS 2", true, false, &dropped, &note);
		T_STREQ(s ? s : "", s ? strlen(s) : 0, "CREATE TABLE `p` (\n"
		    "  `id` int(11) NOT NULL\n"
		    ") ENGINE=InnoDB\n"
		    " PARTITION BY HASH (`id`)\n"
		    "PARTITIONS 2");
		T_STREQ(note.p ? note.p : "", note.len, "`PAGE_COMPRESSED`='ON' left out");
		free(s);
		sbuf_free(&note);
	}
	return t_done();
}

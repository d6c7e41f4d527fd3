/* sqlclass.c: a small statement parser: kind, named objects, renames, statement by statement (pieces: sqlscan.c; lexer: sqllex.c). */
#include "src/sqlclass.h"
#include "src/sqlparse.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------ statements */

/* The statement ends here (an optional ';'); anything else fails it. */
static void
sp_end(struct sqlp *p)
{
	while (sp_punct(p, ';'))
		;
	if (p->t.kind != TK_END)
		p->fail = true;
}

/* DEFINER = user@host | CURRENT_USER[()] | role */
static void
sp_definer(struct sqlp *p)
{
	if (!sp_punct(p, '=')) {
		p->fail = true;
		return;
	}
	if (sp_kw(p, "CURRENT_USER")) {
		if (sp_punct(p, '(') && !sp_punct(p, ')'))
			p->fail = true;
		return;
	}
	if (p->t.kind != TK_WORD && p->t.kind != TK_IDENT &&
	    p->t.kind != TK_STRING) {
		p->fail = true;
		return;
	}
	sp_next(p);
	if (p->t.kind == TK_VAR) {
		sp_next(p);
	} else if (sp_punct(p, '@')) {
		if (p->t.kind != TK_WORD && p->t.kind != TK_IDENT &&
		    p->t.kind != TK_STRING)
			p->fail = true;
		else
			sp_next(p);
	}
}

/* Modifiers between CREATE/ALTER and the object keyword. */
static void
sp_modifiers(struct sqlp *p)
{
	for (;;) {
		if (sp_kw(p, "TEMPORARY")) {
			p->info->temporary = true;
		} else if (sp_is(p, &p->t, "OR")) {
			sp_next(p);
			if (!sp_kw(p, "REPLACE"))
				p->fail = true;
		} else if (sp_kw(p, "ALGORITHM")) {
			if (!sp_punct(p, '=') || p->t.kind != TK_WORD)
				p->fail = true;
			else
				sp_next(p);
		} else if (sp_kw(p, "DEFINER")) {
			sp_definer(p);
		} else if (sp_is(p, &p->t, "SQL")) {
			struct tok t1 = sp_peek(p, 1);

			if (!sp_is(p, &t1, "SECURITY"))
				return;
			sp_next(p);
			sp_next(p);
			if (p->t.kind != TK_WORD)
				p->fail = true;
			else
				sp_next(p);
		} else if (sp_kw(p, "AGGREGATE") || sp_kw(p, "ONLINE") ||
		    sp_kw(p, "OFFLINE") || sp_kw(p, "IGNORE") ||
		    sp_kw(p, "UNIQUE") || sp_kw(p, "FULLTEXT")) {
			;
		} else if (sp_is(p, &p->t, "SPATIAL")) {
			struct tok t1 = sp_peek(p, 1);

			if (!sp_is(p, &t1, "INDEX") && !sp_is(p, &t1, "KEY"))
				return;
			sp_next(p);
		} else {
			return;
		}
		if (p->fail)
			return;
	}
}

/* The statement scope: unqualified names resolve against the default database. */
static struct scope
sp_stmt_scope(const struct sqlp *p)
{
	struct scope sc = { p->ddb, p->ddb_dst };

	return sc;
}

/* A list "name, name, ..." of tables (or views, sequences). */
static void
sp_table_list(struct sqlp *p)
{
	struct scope sc = sp_stmt_scope(p);

	do {
		struct qname q;

		if (!sp_qname(p, &q))
			return;
		sp_table(p, &q, &sc, false, true, true);
	} while (sp_punct(p, ','));
}

/*
 * A routine, event or view body scope: unqualified names resolve against
 * the object's database, on the destination against its mapped database.
 */
static struct scope
sp_object_scope(const struct sqlp *p, const struct qname *q, char *dst)
{
	struct scope sc;

	sc.src = q->qualified ? q->db : p->ddb;
	sp_map_db(p, sc.src, dst);
	sc.dst = dst;
	return sc;
}

/* CREATE ... TRIGGER [IF NOT EXISTS] tr {BEFORE|AFTER} ev ON t FOR EACH ROW ... */
static void
sp_create_trigger(struct sqlp *p)
{
	struct scope sc = sp_stmt_scope(p), body;
	struct qname tr, tb;
	char tdb[NAME_BYTES + 1], ttb[NAME_BYTES + 1];
	const char *tsrc;

	p->info->object = SQLO_TRIGGER;
	sp_if_exists(p);
	if (!sp_qname(p, &tr))
		return;
	if (!sp_kw(p, "BEFORE") && !sp_kw(p, "AFTER")) {
		p->fail = true;
		return;
	}
	if (!sp_kw(p, "INSERT") && !sp_kw(p, "UPDATE") && !sp_kw(p, "DELETE")) {
		p->fail = true;
		return;
	}
	if (!sp_kw(p, "ON") || !sp_qname(p, &tb)) {
		p->fail = true;
		return;
	}
	sp_addref(p, tr.qualified ? tr.db : p->ddb, tr.name, false);
	tsrc = tb.qualified ? tb.db : p->ddb;
	if (p->f != NULL && tsrc[0] != '\0')
		filter_map(p->f, tsrc, tb.name, tdb, sizeof(tdb), ttb,
		    sizeof(ttb));
	else
		snprintf(tdb, sizeof(tdb), "%s", tsrc);
	/* the trigger lives in its table's database, wherever that goes */
	if (p->f != NULL && tsrc[0] != '\0') {
		if (tr.qualified && strcmp(tr.db, tdb) != 0) {
			sp_edit(p, &tr.dbtok, tdb, NULL, NULL);
			sp_edit(p, &tr.nametok, tr.name, NULL, NULL);
		} else if (!tr.qualified && p->ddb[0] != '\0' &&
		    strcmp(p->ddb_dst, tdb) != 0)
			sp_edit(p, &tr.nametok, tdb, tr.name, NULL);
	}
	sp_table(p, &tb, &sc, false, true, true);
	body.src = tsrc;
	body.dst = tdb;
	sp_scan(p, &body, SCAN_PLAIN, false, true);
}

/* CREATE [OR REPLACE] [TEMPORARY] TABLE ... */
static void
sp_create_table(struct sqlp *p)
{
	struct scope sc = sp_stmt_scope(p);
	struct qname q, like;

	p->info->object = SQLO_TABLE;
	sp_if_exists(p);
	if (!sp_qname(p, &q))
		return;
	sp_table(p, &q, &sc, false, true, true);
	if (sp_kw(p, "LIKE")) {
		if (sp_qname(p, &like))
			sp_table(p, &like, &sc, false, true, true);
	} else if (sp_is_punct(&p->t, '(') &&
	    sp_peek_is(p, 1, "LIKE")) {
		sp_next(p);
		sp_next(p);
		if (sp_qname(p, &like))
			sp_table(p, &like, &sc, false, true, true);
		if (!sp_punct(p, ')'))
			p->fail = true;
	}
	sp_scan(p, &sc, SCAN_CREATE_TABLE, false, false);
}

/* Object keywords of DDL on things this module does not look into. */
static const char *const sp_other_objects[] = {
	"SERVER", "TABLESPACE", "LOGFILE", "RESOURCE", "UNDO", "PACKAGE",
	"INSTANCE", NULL,
};

/* The rest of a DDL on another kind of object: understood as DDL, not parsed. */
static void
sp_other_object(struct sqlp *p)
{
	p->info->object = SQLO_OTHER;
	while (!p->fail && p->t.kind != TK_END)
		sp_next(p);
}

/* CREATE ... */
static void
sp_create(struct sqlp *p)
{
	struct sql_info *in = p->info;
	struct scope sc = sp_stmt_scope(p), body;
	char dst[NAME_BYTES + 1];
	struct qname q;

	sp_verb(p, "CREATE");
	in->kind = SQL_DDL;
	sp_next(p);
	sp_modifiers(p);
	if (p->fail)
		return;
	if (sp_kw(p, "TABLE")) {
		sp_create_table(p);
	} else if (sp_kw(p, "VIEW")) {
		in->object = SQLO_VIEW;
		sp_if_exists(p);
		if (sp_qname(p, &q))
			sp_table(p, &q, &sc, false, true, true);
		sp_scan(p, &sc, SCAN_PLAIN, false, false);
	} else if (sp_kw(p, "INDEX") || sp_kw(p, "KEY")) {
		struct tok it;
		char iname[NAME_BYTES + 1];

		in->object = SQLO_INDEX;
		sp_if_exists(p);
		if (!sp_ident(p, &it, iname, false))
			return;
		if (sp_kw(p, "USING") && !sp_kw(p, "BTREE") &&
		    !sp_kw(p, "HASH") && !sp_kw(p, "RTREE")) {
			p->fail = true;
			return;
		}
		if (!sp_kw(p, "ON")) {
			p->fail = true;
			return;
		}
		if (sp_qname(p, &q))
			sp_table(p, &q, &sc, false, true, true);
		sp_scan(p, &sc, SCAN_PLAIN, false, false);
	} else if (sp_kw(p, "DATABASE") || sp_kw(p, "SCHEMA")) {
		struct tok t;
		char db[NAME_BYTES + 1];

		in->object = SQLO_DATABASE;
		sp_if_exists(p);
		if (sp_ident(p, &t, db, false))
			sp_database(p, &t, db, true);
		sp_scan(p, &sc, SCAN_PLAIN, false, false);
	} else if (sp_is(p, &p->t, "FUNCTION") ||
	    sp_is(p, &p->t, "PROCEDURE") || sp_is(p, &p->t, "EVENT")) {
		in->object = sp_is(p, &p->t, "FUNCTION") ? SQLO_FUNCTION :
		    sp_is(p, &p->t, "PROCEDURE") ? SQLO_PROCEDURE : SQLO_EVENT;
		sp_next(p);
		sp_if_exists(p);
		if (!sp_qname(p, &q))
			return;
		sp_routine(p, &q, true);
		body = sp_object_scope(p, &q, dst);
		sp_scan(p, &body, SCAN_PLAIN, false, true);
	} else if (sp_kw(p, "TRIGGER")) {
		sp_create_trigger(p);
	} else if (sp_kw(p, "SEQUENCE")) {
		in->object = SQLO_SEQUENCE;
		sp_if_exists(p);
		if (sp_qname(p, &q))
			sp_table(p, &q, &sc, false, true, true);
		sp_scan(p, &sc, SCAN_PLAIN, false, false);
	} else if (sp_is(p, &p->t, "USER") || sp_is(p, &p->t, "ROLE")) {
		in->kind = SQL_ACCOUNT;
	} else if (sp_is_any(p, &p->t, sp_other_objects) ||
	    sp_is(p, &p->t, "SPATIAL")) {
		sp_other_object(p);
	} else {
		p->fail = true;
	}
}

/* ALTER ... */
static void
sp_alter(struct sqlp *p)
{
	struct sql_info *in = p->info;
	struct scope sc = sp_stmt_scope(p), body;
	char dst[NAME_BYTES + 1];
	struct qname q;

	sp_verb(p, "ALTER");
	in->kind = SQL_DDL;
	sp_next(p);
	sp_modifiers(p);
	if (p->fail)
		return;
	if (sp_kw(p, "TABLE")) {
		in->object = SQLO_TABLE;
		sp_if_exists(p);
		if (sp_qname(p, &q))
			sp_table(p, &q, &sc, false, true, true);
		sp_scan(p, &sc, SCAN_ALTER_TABLE, false, false);
	} else if (sp_kw(p, "DATABASE") || sp_kw(p, "SCHEMA")) {
		static const char *const opts[] = { "DEFAULT", "CHARACTER",
			"CHARSET", "COLLATE", "ENCRYPTION", "READ", "COMMENT",
			NULL };
		struct tok t;
		char db[NAME_BYTES + 1];

		in->object = SQLO_DATABASE;
		if ((p->t.kind == TK_IDENT || p->t.kind == TK_WORD) &&
		    !sp_is_any(p, &p->t, opts)) {
			if (sp_ident(p, &t, db, false))
				sp_database(p, &t, db, true);
		} else if (p->ddb[0] != '\0') {
			sp_addref(p, p->ddb, p->ddb, false);
		}
		sp_scan(p, &sc, SCAN_PLAIN, false, false);
	} else if (sp_kw(p, "VIEW")) {
		in->object = SQLO_VIEW;
		if (sp_qname(p, &q))
			sp_table(p, &q, &sc, false, true, true);
		sp_scan(p, &sc, SCAN_PLAIN, false, false);
	} else if (sp_is(p, &p->t, "FUNCTION") ||
	    sp_is(p, &p->t, "PROCEDURE") || sp_is(p, &p->t, "EVENT")) {
		bool event = sp_is(p, &p->t, "EVENT");

		in->object = sp_is(p, &p->t, "FUNCTION") ? SQLO_FUNCTION :
		    event ? SQLO_EVENT : SQLO_PROCEDURE;
		sp_next(p);
		if (!sp_qname(p, &q))
			return;
		sp_routine(p, &q, true);
		body = sp_object_scope(p, &q, dst);
		sp_scan(p, &body, event ? SCAN_ALTER_EVENT : SCAN_PLAIN, false,
		    true);
	} else if (sp_kw(p, "SEQUENCE")) {
		in->object = SQLO_SEQUENCE;
		sp_if_exists(p);
		if (sp_qname(p, &q))
			sp_table(p, &q, &sc, false, true, true);
		sp_scan(p, &sc, SCAN_PLAIN, false, false);
	} else if (sp_is(p, &p->t, "USER") || sp_is(p, &p->t, "ROLE")) {
		in->kind = SQL_ACCOUNT;
	} else if (sp_is_any(p, &p->t, sp_other_objects)) {
		sp_other_object(p);
	} else {
		p->fail = true;
	}
}

/* What may follow the names of a DROP: RESTRICT, CASCADE, WAIT n, NOWAIT, ALGORITHM=x, LOCK=x. */
static void
sp_drop_tail(struct sqlp *p)
{
	while (!p->fail && p->t.kind == TK_WORD) {
		if (sp_kw(p, "RESTRICT") || sp_kw(p, "CASCADE") ||
		    sp_kw(p, "NOWAIT") || sp_kw(p, "FORCE"))
			continue;
		if (sp_kw(p, "WAIT")) {
			if (p->t.kind != TK_NUMBER)
				p->fail = true;
			else
				sp_next(p);
		} else if (sp_kw(p, "ALGORITHM") || sp_kw(p, "LOCK")) {
			sp_punct(p, '=');
			if (p->t.kind != TK_WORD)
				p->fail = true;
			else
				sp_next(p);
		} else {
			break;
		}
	}
	sp_end(p);
}

/* DROP ... */
static void
sp_drop(struct sqlp *p)
{
	struct sql_info *in = p->info;
	struct scope sc = sp_stmt_scope(p);
	struct qname q;

	sp_verb(p, "DROP");
	in->kind = SQL_DDL;
	sp_next(p);
	if (sp_kw(p, "TEMPORARY"))
		in->temporary = true;
	if (sp_kw(p, "TABLE") || sp_kw(p, "TABLES")) {
		in->object = SQLO_TABLE;
		sp_if_exists(p);
		sp_table_list(p);
	} else if (sp_kw(p, "VIEW")) {
		in->object = SQLO_VIEW;
		sp_if_exists(p);
		sp_table_list(p);
	} else if (sp_kw(p, "SEQUENCE")) {
		in->object = SQLO_SEQUENCE;
		sp_if_exists(p);
		sp_table_list(p);
	} else if (sp_is(p, &p->t, "FUNCTION") ||
	    sp_is(p, &p->t, "PROCEDURE") || sp_is(p, &p->t, "EVENT") ||
	    sp_is(p, &p->t, "TRIGGER")) {
		in->object = sp_is(p, &p->t, "FUNCTION") ? SQLO_FUNCTION :
		    sp_is(p, &p->t, "PROCEDURE") ? SQLO_PROCEDURE :
		    sp_is(p, &p->t, "EVENT") ? SQLO_EVENT : SQLO_TRIGGER;
		sp_next(p);
		sp_if_exists(p);
		if (sp_qname(p, &q))
			sp_routine(p, &q, true);
	} else if (sp_is(p, &p->t, "INDEX") || sp_is(p, &p->t, "KEY") ||
	    ((sp_is(p, &p->t, "ONLINE") || sp_is(p, &p->t, "OFFLINE")) &&
	    sp_peek_is(p, 1, "INDEX"))) {
		struct tok it;
		char iname[NAME_BYTES + 1];

		if (!sp_kw(p, "INDEX") && !sp_kw(p, "KEY")) {
			sp_next(p);
			sp_next(p);
		}
		in->object = SQLO_INDEX;
		sp_if_exists(p);
		if (!sp_ident(p, &it, iname, false))
			return;
		if (!sp_kw(p, "ON")) {
			p->fail = true;
			return;
		}
		if (sp_qname(p, &q))
			sp_table(p, &q, &sc, false, true, true);
	} else if (sp_kw(p, "DATABASE") || sp_kw(p, "SCHEMA")) {
		struct tok t;
		char db[NAME_BYTES + 1];

		in->object = SQLO_DATABASE;
		sp_if_exists(p);
		if (sp_ident(p, &t, db, false))
			sp_database(p, &t, db, true);
	} else if (sp_is(p, &p->t, "USER") || sp_is(p, &p->t, "ROLE")) {
		in->kind = SQL_ACCOUNT;
		return;
	} else if (sp_is_any(p, &p->t, sp_other_objects) ||
	    sp_is(p, &p->t, "SPATIAL")) {
		sp_other_object(p);
		return;
	} else {
		p->fail = true;
		return;
	}
	sp_drop_tail(p);
}

/* RENAME TABLE a TO b, c TO d / RENAME USER */
static void
sp_rename(struct sqlp *p)
{
	struct sql_info *in = p->info;
	struct scope sc = sp_stmt_scope(p);

	sp_verb(p, "RENAME");
	sp_next(p);
	if (sp_is(p, &p->t, "USER")) {
		in->kind = SQL_ACCOUNT;
		return;
	}
	in->kind = SQL_DDL;
	if (!sp_kw(p, "TABLE") && !sp_kw(p, "TABLES")) {
		p->fail = true;
		return;
	}
	in->object = SQLO_TABLE;
	sp_if_exists(p);
	do {
		struct qname a, b;

		if (!sp_qname(p, &a))
			return;
		sp_table(p, &a, &sc, false, true, true);
		if (sp_kw(p, "WAIT")) {
			if (p->t.kind != TK_NUMBER) {
				p->fail = true;
				return;
			}
			sp_next(p);
		} else {
			sp_kw(p, "NOWAIT");
		}
		if (!sp_kw(p, "TO") || !sp_qname(p, &b)) {
			p->fail = true;
			return;
		}
		sp_table(p, &b, &sc, false, true, true);
	} while (sp_punct(p, ','));
	sp_end(p);
}

/* TRUNCATE [TABLE] t [WAIT n | NOWAIT] */
static void
sp_truncate(struct sqlp *p)
{
	struct scope sc = sp_stmt_scope(p);
	struct qname q;

	sp_verb(p, "TRUNCATE");
	p->info->kind = SQL_DDL;
	p->info->object = SQLO_TABLE;
	sp_next(p);
	sp_kw(p, "TABLE");
	if (!sp_qname(p, &q))
		return;
	sp_table(p, &q, &sc, false, true, true);
	sp_scan(p, &sc, SCAN_PLAIN, false, false);
}

/* GRANT/REVOKE: the privilege level after ON, if any, is an object. */
static void
sp_grant(struct sqlp *p)
{
	struct sql_info *in = p->info;
	struct scope sc = sp_stmt_scope(p);
	int depth = 0;
	bool routine = false;

	in->kind = SQL_ACCOUNT;
	sp_next(p);
	while (!p->fail && p->t.kind != TK_END) {
		if (sp_is_punct(&p->t, '('))
			depth++;
		else if (sp_is_punct(&p->t, ')'))
			depth--;
		else if (depth == 0 && (sp_is(p, &p->t, "TO") ||
		    sp_is(p, &p->t, "FROM") || sp_is(p, &p->t, "PROXY")))
			return; /* roles, proxy: no object */
		else if (depth == 0 && sp_is(p, &p->t, "ON"))
			break;
		sp_next(p);
	}
	if (!sp_kw(p, "ON"))
		return;
	if (sp_kw(p, "FUNCTION") || sp_kw(p, "PROCEDURE")) {
		routine = true;
		in->object = SQLO_PROCEDURE;
	} else if (sp_kw(p, "PACKAGE")) {
		sp_kw(p, "BODY");
		routine = true;
		in->object = SQLO_OTHER;
	} else {
		sp_kw(p, "TABLE");
	}
	if (sp_punct(p, '*')) {
		if (sp_punct(p, '.') && !sp_punct(p, '*'))
			p->fail = true; /* "*.x" is not a level */
		return;
	}
	{
		struct tok dbt;
		char db[NAME_BYTES + 1];
		struct qname q;

		if (p->t.kind != TK_WORD && p->t.kind != TK_IDENT) {
			p->fail = true;
			return;
		}
		if (sp_peek_punct(p, 1, '.') &&
		    sp_peek_punct(p, 2, '*')) {
			if (!sp_ident(p, &dbt, db, false))
				return;
			sp_next(p);
			sp_next(p);
			in->object = SQLO_DATABASE;
			sp_addref(p, db, "*", false);
			sp_database(p, &dbt, db, false);
			return;
		}
		if (!sp_qname(p, &q))
			return;
		if (routine) {
			sp_routine(p, &q, true);
		} else {
			in->object = SQLO_TABLE;
			sp_table(p, &q, &sc, false, true, true);
		}
	}
}

/* ANALYZE/OPTIMIZE/REPAIR/CHECK/CHECKSUM [NO_WRITE_TO_BINLOG|LOCAL] TABLE list */
static void
sp_admin_tables(struct sqlp *p)
{
	struct sql_info *in = p->info;

	sp_next(p);
	if (!sp_kw(p, "NO_WRITE_TO_BINLOG"))
		sp_kw(p, "LOCAL");
	if (!sp_kw(p, "TABLE") && !sp_kw(p, "TABLES"))
		return; /* ANALYZE SELECT ... and the like: SQL_OTHER */
	in->kind = SQL_ADMIN;
	in->object = SQLO_TABLE;
	sp_table_list(p);
}

/* FLUSH [NO_WRITE_TO_BINLOG|LOCAL] options, with FLUSH TABLES t1, t2 naming tables. */
static void
sp_flush(struct sqlp *p)
{
	p->info->kind = SQL_ADMIN;
	sp_next(p);
	if (!sp_kw(p, "NO_WRITE_TO_BINLOG"))
		sp_kw(p, "LOCAL");
	if ((sp_kw(p, "TABLE") || sp_kw(p, "TABLES")) && sp_at_name(p) &&
	    !sp_is(p, &p->t, "FOR")) {
		p->info->object = SQLO_TABLE;
		sp_table_list(p);
	}
}

/* The body of a transaction-control statement: only these words may follow. */
static void
sp_words(struct sqlp *p, const char *const *allowed)
{
	while (p->t.kind == TK_WORD && sp_is_any(p, &p->t, allowed))
		sp_next(p);
	if (sp_punct(p, ',')) { /* START TRANSACTION a, b */
		sp_words(p, allowed);
		return;
	}
	sp_end(p);
}

/* A savepoint name, then the end. */
static void
sp_savepoint_name(struct sqlp *p)
{
	struct tok t;
	char name[NAME_BYTES + 1];

	if (sp_ident(p, &t, name, false))
		sp_end(p);
}

static void sp_statement(struct sqlp *p);

/* SET PASSWORD / SET DEFAULT ROLE / SET STATEMENT ... FOR stmt */
static void
sp_set(struct sqlp *p)
{
	sp_next(p);
	if (sp_is(p, &p->t, "PASSWORD") || sp_is(p, &p->t, "DEFAULT")) {
		sp_verb(p, sp_is(p, &p->t, "PASSWORD") ? "SET PASSWORD"
		    : "SET DEFAULT ROLE");
		p->info->kind = SQL_ACCOUNT;
		return;
	}
	if (sp_kw(p, "STATEMENT")) {
		int depth = 0;

		while (!p->fail && p->t.kind != TK_END) {
			if (sp_is_punct(&p->t, '('))
				depth++;
			else if (sp_is_punct(&p->t, ')'))
				depth--;
			else if (depth == 0 && sp_is(p, &p->t, "FOR"))
				break;
			sp_next(p);
		}
		if (!sp_kw(p, "FOR")) {
			p->fail = true;
			return;
		}
		sp_statement(p);
		return;
	}
	sp_verb(p, "SET");
	p->info->kind = SQL_OTHER;
}

/* Dispatch on the first keyword of the statement. */
static void
sp_statement(struct sqlp *p)
{
	static const char *const dml[] = { "INSERT", "REPLACE", "UPDATE",
		"DELETE", "SELECT", "WITH", "CALL", "DO", "HANDLER", "VALUES",
		"TABLE", NULL };
	static const char *const admin_tables[] = { "ANALYZE", "OPTIMIZE",
		"REPAIR", "CHECK", "CHECKSUM", NULL };
	static const char *const chain[] = { "WORK", "AND", "NO", "CHAIN",
		"RELEASE", NULL };
	static const char *const start_opts[] = { "WITH", "CONSISTENT",
		"SNAPSHOT", "READ", "ONLY", "WRITE", NULL };
	struct sql_info *in = p->info;
	struct tok t = p->t;

	if (t.kind == TK_END || sp_is_punct(&t, ';')) {
		sp_end(p);
		in->kind = SQL_EMPTY;
		return;
	}
	if (t.kind != TK_WORD) {
		p->fail = true;
		return;
	}
	/* upper-cased first word as the verb; refined below */
	{
		size_t n = t.end - t.start, i;

		if (n >= sizeof(in->verb))
			n = sizeof(in->verb) - 1;
		for (i = 0; i < n; i++)
			in->verb[i] = (char)toupper(
			    (unsigned char)p->sql[t.start + i]);
		in->verb[n] = '\0';
	}
	if (sp_is(p, &t, "BEGIN")) {
		static const char *const work[] = { "WORK", NULL };

		in->kind = SQL_BEGIN;
		sp_next(p);
		sp_words(p, work); /* BEGIN NOT ATOMIC is a compound statement */
	} else if (sp_is(p, &t, "START")) {
		sp_next(p);
		if (!sp_kw(p, "TRANSACTION")) {
			in->kind = SQL_OTHER;
			return;
		}
		sp_verb(p, "START TRANSACTION");
		in->kind = SQL_BEGIN;
		sp_words(p, start_opts);
	} else if (sp_is(p, &t, "COMMIT")) {
		in->kind = SQL_COMMIT;
		sp_next(p);
		sp_words(p, chain);
	} else if (sp_is(p, &t, "ROLLBACK")) {
		sp_next(p);
		sp_kw(p, "WORK");
		if (sp_kw(p, "TO")) {
			sp_verb(p, "ROLLBACK TO");
			in->kind = SQL_SAVEPOINT;
			sp_kw(p, "SAVEPOINT");
			sp_savepoint_name(p);
		} else {
			in->kind = SQL_ROLLBACK;
			sp_words(p, chain);
		}
	} else if (sp_is(p, &t, "SAVEPOINT")) {
		in->kind = SQL_SAVEPOINT;
		sp_next(p);
		sp_savepoint_name(p);
	} else if (sp_is(p, &t, "RELEASE")) {
		sp_next(p);
		if (!sp_kw(p, "SAVEPOINT")) {
			p->fail = true;
			return;
		}
		sp_verb(p, "RELEASE SAVEPOINT");
		in->kind = SQL_SAVEPOINT;
		sp_savepoint_name(p);
	} else if (sp_is(p, &t, "XA")) {
		static const struct {
			const char *word, *verb;
		} xa[] = {
			{ "START", "XA START" }, { "BEGIN", "XA START" },
			{ "END", "XA END" }, { "PREPARE", "XA PREPARE" },
			{ "COMMIT", "XA COMMIT" }, { "ROLLBACK", "XA ROLLBACK" },
			{ "RECOVER", "XA RECOVER" },
		};
		size_t i;

		sp_next(p);
		for (i = 0; i < sizeof(xa) / sizeof(xa[0]); i++)
			if (sp_is(p, &p->t, xa[i].word))
				break;
		if (i == sizeof(xa) / sizeof(xa[0])) {
			p->fail = true;
			return;
		}
		sp_verb(p, xa[i].verb);
		in->kind = SQL_XA;
	} else if (sp_is(p, &t, "CREATE")) {
		sp_create(p);
	} else if (sp_is(p, &t, "ALTER")) {
		sp_alter(p);
	} else if (sp_is(p, &t, "DROP")) {
		sp_drop(p);
	} else if (sp_is(p, &t, "RENAME")) {
		sp_rename(p);
	} else if (sp_is(p, &t, "TRUNCATE")) {
		sp_truncate(p);
	} else if (sp_is(p, &t, "LOAD")) {
		struct tok t1 = sp_peek(p, 1);
		struct scope sc = sp_stmt_scope(p);

		if (sp_is(p, &t1, "INDEX")) {
			in->kind = SQL_ADMIN;
			return;
		}
		if (!sp_is(p, &t1, "DATA") && !sp_is(p, &t1, "XML")) {
			in->kind = SQL_OTHER;
			return;
		}
		in->kind = SQL_DML;
		sp_scan(p, &sc, SCAN_PLAIN, true, false);
		if (in->nrefs > 0)
			in->object = SQLO_TABLE;
	} else if (sp_is_any(p, &t, dml)) {
		struct scope sc = sp_stmt_scope(p);

		in->kind = SQL_DML;
		sp_scan(p, &sc, SCAN_PLAIN, true, false);
		if (in->nrefs > 0)
			in->object = SQLO_TABLE;
	} else if (sp_is(p, &t, "GRANT") || sp_is(p, &t, "REVOKE")) {
		sp_grant(p);
	} else if (sp_is(p, &t, "SET")) {
		sp_set(p);
	} else if (sp_is_any(p, &t, admin_tables)) {
		in->kind = SQL_OTHER;
		sp_admin_tables(p);
	} else if (sp_is(p, &t, "FLUSH")) {
		sp_flush(p);
	} else if (sp_is(p, &t, "INSTALL") || sp_is(p, &t, "UNINSTALL") ||
	    (sp_is(p, &t, "CACHE") && sp_peek_is(p, 1, "INDEX"))) {
		in->kind = SQL_ADMIN;
	} else if (sp_is(p, &t, "USE")) {
		struct tok dt;
		char db[NAME_BYTES + 1];

		in->kind = SQL_OTHER;
		sp_next(p);
		if (sp_ident(p, &dt, db, false)) {
			sp_database(p, &dt, db, true);
			in->object = SQLO_DATABASE;
			sp_end(p);
		}
	} else {
		in->kind = SQL_OTHER;
	}
}

/* Parse one statement into p->info (and p->ed when renaming). */
static void
sp_run(struct sqlp *p, const char *sql, size_t len, const char *default_db,
    uint64_t sql_mode, const struct filter *f, struct sql_info *out)
{
	memset(p, 0, sizeof(*p));
	memset(out, 0, sizeof(*out));
	p->sql = sql;
	lex_init(&p->lx, sql, len, sql_mode);
	p->ddb = default_db != NULL ? default_db : "";
	p->f = f;
	p->info = out;
	sp_map_db(p, p->ddb, p->ddb_dst);
	if (strlen(p->ddb) > NAME_BYTES)
		p->fail = true;
	lex_next(&p->lx, &p->t);
	if (p->t.kind == TK_ERR)
		p->fail = true;
	if (!p->fail)
		sp_statement(p);
	if (p->fail) {
		out->kind = SQL_OTHER;
		out->object = SQLO_NONE;
		out->nrefs = 0;
		out->truncated = false;
	}
}

/* Free the edits of a parse. */
static void
sp_free(struct sqlp *p)
{
	size_t i;

	for (i = 0; i < p->ned; i++)
		free(p->ed[i].text);
	free(p->ed);
}

/* ------------------------------------------------------------ API */

void
sql_classify_mode(const char *sql, size_t len, const char *default_db,
    uint64_t sql_mode, struct sql_info *out)
{
	struct sqlp p;

	sp_run(&p, sql, len, default_db, sql_mode, NULL, out);
	sp_free(&p);
}

void
sql_classify(const char *sql, size_t len, const char *default_db,
    struct sql_info *out)
{
	sql_classify_mode(sql, len, default_db, 0, out);
}

/* Order edits by position. */
static int
sp_edit_cmp(const void *a, const void *b)
{
	const struct edit *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

char *
sql_rewrite_mode(const char *sql, size_t len, const char *default_db,
    uint64_t sql_mode, const struct filter *f)
{
	struct sqlp p;
	struct sql_info info;
	size_t i, pos = 0, outlen = len, o = 0;
	char *out;

	sp_run(&p, sql, len, default_db, sql_mode,
	    f != NULL && filter_renames(f) ? f : NULL, &info);
	if (p.oom) {
		sp_free(&p);
		return NULL;
	}
	if (p.fail) { /* not understood: copied as is; classified SQL_OTHER */
		sp_free(&p);
		p.ned = 0;
		p.ed = NULL;
	}
	if (p.ned > 1)
		qsort(p.ed, p.ned, sizeof(p.ed[0]), sp_edit_cmp);
	for (i = 0; i < p.ned; i++) {
		if (p.ed[i].start < pos) { /* overlapping: should not happen */
			sp_free(&p);
			p.ned = 0;
			p.ed = NULL;
			break;
		}
		pos = p.ed[i].end;
		outlen += strlen(p.ed[i].text);
	}
	out = malloc(outlen + 1);
	if (out == NULL) {
		sp_free(&p);
		return NULL;
	}
	pos = 0;
	for (i = 0; i < p.ned; i++) {
		size_t tl = strlen(p.ed[i].text);

		memcpy(out + o, sql + pos, p.ed[i].start - pos);
		o += p.ed[i].start - pos;
		memcpy(out + o, p.ed[i].text, tl);
		o += tl;
		pos = p.ed[i].end;
	}
	memcpy(out + o, sql + pos, len - pos);
	o += len - pos;
	out[o] = '\0';
	sp_free(&p);
	return out;
}

char *
sql_rewrite(const char *sql, size_t len, const char *default_db,
    const struct filter *f)
{
	return sql_rewrite_mode(sql, len, default_db, 0, f);
}

const char *
sql_mode_translate(uint64_t mode, bool from_mariadb, bool to_mariadb, uint64_t *out)
{
	/* MariaDB's modes past bit 31 and its parser modes */
	static const struct {
		uint64_t bit;
		const char *name;
	} maria_refused[] = {
		{ 1ULL << 9, "ORACLE" },
		{ 1ULL << 10, "MSSQL" },
		{ 1ULL << 12, "MAXDB" }, /* TIMESTAMP columns created as DATETIME */
		{ 1ULL << 32, "EMPTY_STRING_IS_NULL" },
		{ 1ULL << 33, "SIMULTANEOUS_ASSIGNMENT" },
	};
	const uint64_t maria_dropped = 1ULL << 4 | 1ULL << 8 | 1ULL << 11 |
	    0x1fULL << 13 | 1ULL << 28;
	const uint64_t mysql_dropped = 1ULL << 4 | 1ULL << 32;
	const uint64_t mysql_truncate = 1ULL << 32; /* TIME_TRUNCATE_FRACTIONAL */
	const uint64_t maria_round = 1ULL << 34;    /* TIME_ROUND_FRACTIONAL */

	*out = mode;
	if (from_mariadb == to_mariadb)
		return NULL;
	if (!from_mariadb) {
		if (mode >> 33)
			return "(a bit MySQL does not define)";
		/* MySQL rounds fractional seconds unless told to truncate;
		 * MariaDB truncates unless told to round */
		*out = mode & ~mysql_dropped;
		if (!(mode & mysql_truncate))
			*out |= maria_round;
		return NULL;
	}
	for (size_t i = 0; i < sizeof(maria_refused) / sizeof(maria_refused[0]); i++)
		if (mode & maria_refused[i].bit)
			return maria_refused[i].name;
	if (mode >> 35)
		return "(a bit MariaDB does not define)";
	*out = mode & ~maria_dropped & ~maria_round;
	if (!(mode & maria_round))
		*out |= mysql_truncate;
	return NULL;
}

const char *
sql_kind_name(enum sql_kind kind)
{
	static const char *const names[] = {
		[SQL_EMPTY] = "empty", [SQL_BEGIN] = "begin",
		[SQL_COMMIT] = "commit", [SQL_ROLLBACK] = "rollback",
		[SQL_SAVEPOINT] = "savepoint", [SQL_XA] = "XA",
		[SQL_DDL] = "DDL", [SQL_DML] = "DML", [SQL_ACCOUNT] = "account",
		[SQL_ADMIN] = "admin", [SQL_OTHER] = "other",
	};

	if ((unsigned)kind < sizeof(names) / sizeof(names[0]) && names[kind])
		return names[kind];
	return "unknown";
}

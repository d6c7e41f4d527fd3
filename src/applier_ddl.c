/* applier_ddl.c: query events: DDL with the source's session settings, fingerprints, collations and guards. */
#include "src/applier_int.h"
#include "src/sqlvendor.h"

/* ---------------------------------------------------------------- DDL */

/* Cut a trailing START TRANSACTION (MySQL's atomic CREATE TABLE ... SELECT). */
void
strip_start_transaction(char *sql)
{
	static const char tail[] = "START TRANSACTION";
	size_t n = strlen(sql), k = sizeof(tail) - 1;

	while (n > 0 && (sql[n - 1] == ';' || isspace((unsigned char)sql[n - 1])))
		n--;
	if (n > k && strncasecmp(sql + n - k, tail, k) == 0 &&
	    isspace((unsigned char)sql[n - k - 1]))
		sql[n - k - 1] = '\0';
}

/*
 * The source's and the destination's collation tables (src/collation.c);
 * the source is asked once per start, over a short connection of its own.
 */
bool
load_collations(struct applier *a)
{
	struct dest src = { 0 };
	bool transient = false;
	char err[1024];

	if (!dest_connect(&src, &a->cfg->source, "source")) {
		snprintf(a->msg, sizeof(a->msg), "reading the source's collations: %s", src.err);
		a->status = dest_permanent(&src) ? APPLIER_FATAL : APPLIER_RETRY;
		return false;
	}
	a->colls = collations_load(&src, &a->d, a->cfg->collation_map, &transient, err,
	    sizeof(err));
	dest_close(&src);
	if (a->colls == NULL) {
		snprintf(a->msg, sizeof(a->msg), "%s", err);
		a->status = transient ? APPLIER_RETRY : APPLIER_FATAL;
		return false;
	}
	return true;
}

/* The session of a QUERY event: sql_mode, charsets, time zone, timestamp, checks. */
bool
session_query(struct applier *a, const struct binlog_event *ev)
{
	const struct binlog_query *q = &ev->query;
	struct sbuf s = { 0 };
	bool ok;

	sbuf_printf(&s, "SET SESSION TIMESTAMP = %u", ev->h.timestamp);
	if (q->has_sql_mode) {
		const struct binlog_fde *fde = binlog_decoder_fde(a->dec);
		const char *bad = NULL;
		uint64_t mode = q->sql_mode;
		if (fde != NULL && fde->flavor != BINLOG_FLAVOR_UNKNOWN)
			bad = sql_mode_translate(q->sql_mode,
			    fde->flavor == BINLOG_FLAVOR_MARIADB, a->mariadb, &mode);
		if (bad != NULL) {
			sbuf_free(&s);
			set_fatal(a, "statement at %s:%" PRIu64 " ran under sql_mode %s "
			    "(0x%" PRIx64 "), which a %s destination does not have: it "
			    "cannot be replayed as the source ran it", a->file, ev->offset,
			    bad, q->sql_mode, a->mariadb ? "MariaDB" : "MySQL");
			return false;
		}
		sbuf_printf(&s, ", sql_mode = %" PRIu64, mode);
	}
	if (q->has_flags2)
		sbuf_printf(&s, ", foreign_key_checks = %d, unique_checks = %d",
		    (q->flags2 & (1u << 26)) ? 0 : 1, (q->flags2 & (1u << 27)) ? 0 : 1);
	if (q->has_charset) {
		static const char *const what[3] = { "character_set_client",
			"collation_connection", "collation_server" };
		unsigned ids[3] = { q->charset_client, q->collation_connection,
			q->collation_server };
		const char *names[3], *charsets[3];
		char err[512];
		for (int i = 0; i < 3; i++) {
			names[i] = collations_dest(a->colls, ids[i], &charsets[i], err, sizeof(err));
			if (names[i] == NULL && i == 0 &&
			    (charsets[0] = collations_src_charset(a->colls, ids[0])) != NULL)
				continue; /* the client's charset is all that is set: the bytes' encoding */
			if (names[i] == NULL && i == 1 &&
			    (names[i] = collations_dest_default(a->colls, ids[i])) != NULL) {
				/*
				 * The connection's collation (a MariaDB 11 client's
				 * uca1400, say) orders the statement's literals, not
				 * what it creates (collation_server, collation_database
				 * and COLLATE clauses do, and stay strict): the charset's
				 * default stands in for it.
				 */
				log_warn("statement at %s:%" PRIu64 ": %s %s is not on the "
				    "destination: replayed with %s, its charset's default there "
				    "([apply] collation_map chooses another)", a->file, ev->offset,
				    what[i], collations_src_name(a->colls, ids[i]), names[i]);
				continue;
			}
			if (names[i] == NULL) {
				sbuf_free(&s);
				set_fatal(a, "statement at %s:%" PRIu64 " ran with %s = id %u: %s",
				    a->file, ev->offset, what[i], ids[i], err);
				return false;
			}
		}
		sbuf_printf(&s, ", character_set_client = %s, collation_connection = %s, "
		    "collation_server = %s", charsets[0], names[1], names[2]);
	}
	if (q->has_charset_database) {
		char err[512];
		const char *cd = collations_dest(a->colls, q->charset_database, NULL, err,
		    sizeof(err));
		if (cd == NULL) {
			sbuf_free(&s);
			set_fatal(a, "statement at %s:%" PRIu64 " ran in a database of collation "
			    "id %u: %s", a->file, ev->offset, q->charset_database, err);
			return false;
		}
		sbuf_printf(&s, ", collation_database = %s", cd);
	}
	if (q->has_time_zone) {
		sbuf_adds(&s, ", time_zone = ");
		{
			char tz[128];
			snprintf(tz, sizeof(tz), "%.*s", (int)q->time_zone.len, q->time_zone.p);
			sbuf_sql_string(&s, tz);
		}
	} else
		sbuf_adds(&s, ", time_zone = DEFAULT");
	if (q->has_auto_increment)
		sbuf_printf(&s, ", auto_increment_increment = %u, auto_increment_offset = %u",
		    q->auto_increment_increment, q->auto_increment_offset);
	if (q->has_explicit_defaults_ts)
		sbuf_printf(&s, ", explicit_defaults_for_timestamp = %u",
		    q->explicit_defaults_ts);
	sbuf_addc(&s, '\0');
	ok = !s.oom && dest_exec(&a->d, s.p);
	sbuf_free(&s);
	if (!ok)
		set_dest_error(a, "setting the session of a DDL statement");
	return ok;
}

/* Back to the row-apply session after a statement. */
bool
session_restore(struct applier *a)
{
	if (!dest_execf(&a->d, "SET SESSION TIMESTAMP = DEFAULT, sql_mode = '%s', "
	    "time_zone = '+00:00', foreign_key_checks = %d, unique_checks = 1, "
	    "character_set_client = utf8mb4, collation_connection = utf8mb4_general_ci, "
	    "auto_increment_increment = 1, auto_increment_offset = 1", ROW_SQL_MODE,
	    a->cfg->foreign_key_checks ? 1 : 0)) {
		set_dest_error(a, NULL);
		return false;
	}
	a->fk_checks = a->cfg->foreign_key_checks;
	return true;
}

/*
 * A fingerprint of the destination schemas a DDL touches: if it differs
 * from the one recorded before the DDL, the DDL was applied already.
 */
bool
fingerprint(struct applier *a, const struct sql_info *in, const char *defdb,
    char *out, size_t outlen)
{
	struct sbuf q = { 0 }, dbs = { 0 };
	char *v = NULL;
	bool ok;

	sbuf_addc(&dbs, '(');
	sbuf_sql_string(&dbs, defdb ? defdb : "");
	for (unsigned i = 0; i < in->nrefs; i++) {
		char db[200], tn[200];
		const char *src = in->refs[i].db[0] ? in->refs[i].db : defdb ? defdb : "";
		filter_map(a->f, src, in->refs[i].is_table ? in->refs[i].name : NULL, db,
		    sizeof(db), tn, sizeof(tn));
		sbuf_addc(&dbs, ',');
		sbuf_sql_string(&dbs, db);
		if (in->object == SQLO_DATABASE) {
			sbuf_addc(&dbs, ',');
			filter_map(a->f, in->refs[i].name, NULL, db, sizeof(db), tn, sizeof(tn));
			sbuf_sql_string(&dbs, db);
		}
	}
	sbuf_addc(&dbs, ')');
	sbuf_addc(&dbs, '\0');
	/*
	 * MySQL 9 has no MD5(): SHA2-224 there (hex of 56 characters, which
	 * also tells the two apart); MariaDB keeps MD5, as checkpoints recorded
	 * by earlier versions hold.  %1$s: the schemas, %2$s( ... %3$s: the hash.
	 */
	sbuf_printf(&q, "SELECT %2$sIFNULL(GROUP_CONCAT(x ORDER BY x SEPARATOR '|'), '')%3$s FROM ("
	    "SELECT CONCAT_WS(',', 'S', SCHEMA_NAME, DEFAULT_COLLATION_NAME) x "
	    "FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN %1$s "
	    "UNION ALL SELECT CONCAT_WS(',', 'T', TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE, "
	    "IFNULL(ENGINE, ''), IFNULL(TABLE_COLLATION, ''), IFNULL(CREATE_OPTIONS, ''), "
	    "TABLE_COMMENT) FROM information_schema.TABLES WHERE TABLE_SCHEMA IN %1$s "
	    "UNION ALL SELECT CONCAT_WS(',', 'C', TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, "
	    "ORDINAL_POSITION, COLUMN_TYPE, IS_NULLABLE, IFNULL(COLUMN_DEFAULT, '~'), "
	    "IFNULL(COLLATION_NAME, ''), EXTRA, COLUMN_COMMENT) "
	    "FROM information_schema.COLUMNS WHERE TABLE_SCHEMA IN %1$s "
	    "UNION ALL SELECT CONCAT_WS(',', 'I', TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, "
	    "SEQ_IN_INDEX, COLUMN_NAME, NON_UNIQUE, IFNULL(SUB_PART, '')) "
	    "FROM information_schema.STATISTICS WHERE TABLE_SCHEMA IN %1$s "
	    "UNION ALL SELECT CONCAT_WS(',', 'R', ROUTINE_SCHEMA, ROUTINE_TYPE, ROUTINE_NAME, "
	    "%2$sIFNULL(ROUTINE_DEFINITION, '')%3$s) FROM information_schema.ROUTINES "
	    "WHERE ROUTINE_SCHEMA IN %1$s "
	    "UNION ALL SELECT CONCAT_WS(',', 'G', TRIGGER_SCHEMA, TRIGGER_NAME, "
	    "%2$sACTION_STATEMENT%3$s) FROM information_schema.TRIGGERS "
	    "WHERE TRIGGER_SCHEMA IN %1$s "
	    "UNION ALL SELECT CONCAT_WS(',', 'E', EVENT_SCHEMA, EVENT_NAME, "
	    "%2$sIFNULL(EVENT_DEFINITION, '')%3$s) FROM information_schema.EVENTS "
	    "WHERE EVENT_SCHEMA IN %1$s "
	    "UNION ALL SELECT CONCAT_WS(',', 'V', TABLE_SCHEMA, TABLE_NAME, "
	    "%2$sVIEW_DEFINITION%3$s) FROM information_schema.VIEWS WHERE TABLE_SCHEMA IN %1$s",
	    dbs.p, a->mariadb ? "MD5(" : "SHA2(", a->mariadb ? ")" : ", 224)");
	if (a->fp_innodb) {
		/*
		 * InnoDB table ids follow a table through RENAME: a swap of two
		 * identical tables changes nothing else.
		 */
		sbuf_printf(&q, " UNION ALL SELECT CONCAT_WS(',', 'N', NAME, TABLE_ID) "
		    "FROM information_schema.%s WHERE SUBSTRING_INDEX(NAME, '/', 1) IN %s",
		    a->mariadb ? "INNODB_SYS_TABLES" : "INNODB_TABLES", dbs.p);
	}
	sbuf_adds(&q, ") s");
	sbuf_addc(&q, '\0');
	ok = !q.oom && !dbs.oom && dest_value(&a->d, q.p, &v);
	if (!ok && a->fp_innodb && (a->d.errnum == 1227 || a->d.errnum == 1109 ||
	    a->d.errnum == 1044 || a->d.errnum == 1142)) {
		/* no PROCESS privilege: a fingerprint without table ids */
		log_warn("%s: no access to InnoDB table ids (grant PROCESS to tell "
		    "renames of identical tables apart after a crash)", a->d.where);
		a->fp_innodb = false;
		sbuf_free(&q);
		sbuf_free(&dbs);
		return fingerprint(a, in, defdb, out, outlen);
	}
	sbuf_free(&q);
	sbuf_free(&dbs);
	if (!ok) {
		set_dest_error(a, "computing a schema fingerprint");
		return false;
	}
	snprintf(out, outlen, "%s", v ? v : "");
	free(v);
	return true;
}

/* Whether a DDL's objects pass the filters: 1 all, 0 none, -1 a mix. */
int
ddl_selected(struct applier *a, const struct sql_info *in, const char *defdb)
{
	unsigned yes = 0, no = 0;

	for (unsigned i = 0; i < in->nrefs; i++) {
		const char *db = in->refs[i].db[0] ? in->refs[i].db : defdb ? defdb : "";
		bool pass;
		if (in->object == SQLO_DATABASE)
			pass = filter_database(a->f, in->refs[i].name);
		else if (in->refs[i].is_table)
			pass = filter_table(a->f, db, in->refs[i].name);
		else
			pass = filter_database(a->f, db);
		if (pass)
			yes++;
		else
			no++;
	}
	if (in->nrefs == 0)
		return defdb && *defdb && !filter_database(a->f, defdb) ? 0 : 1;
	return no == 0 ? 1 : yes == 0 ? 0 : -1;
}

/*
 * A MySQL destination has no type for MariaDB's INET4, INET6 and UUID, nor
 * its COMPRESSED columns: a CREATE or ALTER TABLE declaring one stops
 * here, naming the column,
 * rather than failing on MySQL's syntax error (or mapping silently).
 */
bool
ddl_mysql_types(struct applier *a, const struct binlog_event *ev,
    const struct sql_info *in, const char *end_file, uint64_t end_pos)
{
	static const char *const maria_only[] = { "INET4", "INET6", "UUID", NULL };
	const struct binlog_query *q = &ev->query;
	char col[200], type[16];

	if (in->kind != SQL_DDL || in->object != SQLO_TABLE ||
	    (strcmp(in->verb, "CREATE") != 0 && strcmp(in->verb, "ALTER") != 0))
		return true;
	if (sql_column_compressed(q->query.p, q->query.len, q->has_sql_mode ? q->sql_mode : 0,
	    col, sizeof(col))) {
		set_fatal(a, "DDL at %s:%" PRIu64 " (%s TABLE `%s`.`%s`): column `%s` is "
		    "COMPRESSED, MariaDB's column compression, which MySQL (the destination) "
		    "does not have; nothing from this statement on was applied. Filter the "
		    "table out, or create it on the destination by hand without COMPRESSED "
		    "and restart from the next position, %s:%" PRIu64 ": %.*s", a->file,
		    ev->offset, in->verb, in->nrefs ? in->refs[0].db : "",
		    in->nrefs ? in->refs[0].name : "", col, end_file, end_pos,
		    (int)(q->query.len > 200 ? 200 : q->query.len), q->query.p);
		return false;
	}
	if (!sql_column_of_type(q->query.p, q->query.len, q->has_sql_mode ? q->sql_mode : 0,
	    maria_only, col, sizeof(col), type, sizeof(type)))
		return true;
	set_fatal(a, "DDL at %s:%" PRIu64 " (%s TABLE `%s`.`%s`): column `%s` is of "
	    "MariaDB's type %s, which MySQL (the destination) does not have; nothing "
	    "from this statement on was applied. Filter the table out, or create it on "
	    "the destination by hand (BINARY(%d) holds the value's binary form) and "
	    "restart from the next position, %s:%" PRIu64 ": %.*s", a->file, ev->offset,
	    in->verb, in->nrefs ? in->refs[0].db : "", in->nrefs ? in->refs[0].name : "",
	    col, type, strcmp(type, "INET4") == 0 ? 4 : 16, end_file, end_pos,
	    (int)(q->query.len > 200 ? 200 : q->query.len), q->query.p);
	return false;
}

/*
 * Decide each of m's conditions (sqlvendor.h) on the destination, where
 * the statement's table refs[0] is; an earlier clause of the statement
 * that adds or drops the same name counts as done. holds[i]: whether
 * conds[i] is true.
 */
static bool
ddl_conditions(struct applier *a, const struct sql_info *in, const char *defdb,
    const struct sql_mdb *m, bool *holds)
{
	static const char *const what[] = {
		[SQLC_TABLE] = "information_schema.TABLES WHERE",
		[SQLC_COLUMN] = "information_schema.COLUMNS WHERE LOWER(COLUMN_NAME) = LOWER(%s) AND",
		[SQLC_INDEX] = "information_schema.STATISTICS WHERE LOWER(INDEX_NAME) = LOWER(%s) AND",
		[SQLC_FOREIGN_KEY] = "information_schema.TABLE_CONSTRAINTS WHERE "
		    "CONSTRAINT_TYPE = 'FOREIGN KEY' AND LOWER(CONSTRAINT_NAME) = LOWER(%s) AND",
		[SQLC_CONSTRAINT] = "information_schema.TABLE_CONSTRAINTS WHERE "
		    "LOWER(CONSTRAINT_NAME) = LOWER(%s) AND",
	};
	char dstdb[200], tn[200];

	filter_map(a->f, in->nrefs && in->refs[0].db[0] ? in->refs[0].db : defdb,
	    in->nrefs ? in->refs[0].name : "", dstdb, sizeof(dstdb), tn, sizeof(tn));
	for (unsigned i = 0; i < m->nconds; i++) {
		struct sbuf qs = { 0 }, lit = { 0 };
		char *v = NULL;
		sbuf_sql_string(&lit, m->conds[i].name);
		sbuf_addc(&lit, '\0');
		sbuf_adds(&qs, "SELECT COUNT(*) FROM ");
		sbuf_printf(&qs, what[m->conds[i].kind], lit.p ? lit.p : "''");
		sbuf_adds(&qs, " TABLE_SCHEMA = ");
		sbuf_sql_string(&qs, dstdb);
		sbuf_adds(&qs, " AND TABLE_NAME = ");
		sbuf_sql_string(&qs, tn);
		sbuf_addc(&qs, '\0');
		bool got = !qs.oom && !lit.oom && dest_value(&a->d, qs.p, &v);
		sbuf_free(&qs);
		sbuf_free(&lit);
		if (!got) {
			free(v);
			set_dest_error(a, "looking up an object a DDL names");
			return false;
		}
		bool exists = v != NULL && strcmp(v, "0") != 0;
		free(v);
		/* an earlier clause of the statement that adds or drops the name */
		for (unsigned j = 0; j < i; j++) {
			const struct sql_cond *c = &m->conds[j], *me = &m->conds[i];
			bool same_kind = c->kind == me->kind || (c->kind >= SQLC_FOREIGN_KEY &&
			    me->kind >= SQLC_FOREIGN_KEY);
			if (holds[j] && c->effect != 0 && c->clause >= 0 && same_kind &&
			    strcasecmp(c->name, me->name) == 0)
				exists = c->effect > 0;
		}
		holds[i] = exists == m->conds[i].if_exists;
	}
	return true;
}

/*
 * MySQL's ALTER [COLUMN] c SET [IN]VISIBLE for MariaDB: each such clause
 * of m becomes a MODIFY with c's definition as the destination's SHOW
 * CREATE TABLE has it (mods[] holds the texts the edits point to).
 */
static bool
visibility_mods(struct applier *a, const struct binlog_event *ev,
    const struct sql_info *in, const char *defdb, struct sql_mdb *m, char **mods)
{
	struct sbuf qs = { 0 };
	char dstdb[200], tn[200];
	MYSQL_RES *res;
	MYSQL_ROW row;
	bool ok = false;

	filter_map(a->f, in->nrefs && in->refs[0].db[0] ? in->refs[0].db : defdb,
	    in->nrefs ? in->refs[0].name : "", dstdb, sizeof(dstdb), tn, sizeof(tn));
	sbuf_adds(&qs, "SHOW CREATE TABLE ");
	dest_quote(&qs, dstdb);
	sbuf_addc(&qs, '.');
	dest_quote(&qs, tn);
	sbuf_addc(&qs, '\0');
	res = qs.oom ? NULL : dest_result(&a->d, qs.p);
	sbuf_free(&qs);
	if (res == NULL) {
		set_dest_error(a, "reading a column's definition for SET [IN]VISIBLE");
		return false;
	}
	row = mysql_fetch_row(res);
	for (unsigned v = 0; v < m->nvis; v++) {
		struct sbuf head = { 0 };
		const char *line = row && row[1] ? row[1] : "", *def = NULL;
		sbuf_adds(&head, "\n  ");
		dest_quote(&head, m->vis[v].name);
		sbuf_addc(&head, ' ');
		sbuf_addc(&head, '\0');
		if (!head.oom && (def = strstr(line, head.p)) != NULL)
			def += head.len - 1;
		sbuf_free(&head);
		if (def == NULL) {
			set_fatal(a, "DDL at %s:%" PRIu64 ": ALTER COLUMN `%s` SET %sVISIBLE: "
			    "no such column in the destination's `%s`.`%s`", a->file,
			    ev->offset, m->vis[v].name, m->vis[v].invisible ? "IN" : "",
			    dstdb, tn);
			goto out;
		}
		char *eol = strchr(def, '\n');
		char *d = eol ? strndup(def, (size_t)(eol - def)) : strdup(def);
		mods[v] = d ? sql_modify_visibility(m->vis[v].name, d, m->vis[v].invisible) : NULL;
		free(d);
		if (mods[v] == NULL || m->nedits == sizeof(m->edits) / sizeof(m->edits[0])) {
			set_fatal(a, "out of memory");
			goto out;
		}
		m->edits[m->nedits].start = m->clauses[m->vis[v].clause].start;
		m->edits[m->nedits].end = m->clauses[m->vis[v].clause].end;
		m->edits[m->nedits++].text = mods[v];
	}
	ok = true;
out:
	mysql_free_result(res);
	return ok;
}

/*
 * A CREATE or ALTER TABLE from a MySQL source for a MariaDB destination:
 * MySQL's CHECK ... [NOT] ENFORCED in MariaDB's words (sql_mysql_ddl());
 * a CHECK the source does not enforce is left out, with a warning.
 */
static bool
ddl_mysql_checks(struct applier *a, const struct binlog_event *ev, const struct sql_info *in,
    const char *defdb, char **sql, bool *none)
{
	const struct binlog_query *q = &ev->query;
	struct sql_mdb *m = malloc(sizeof(*m));
	bool holds[SQL_MDB_MAX], ok = false;
	char *t, *mods[4] = { NULL };

	if (m == NULL) {
		set_fatal(a, "out of memory");
		return false;
	}
	if (!sql_mysql_ddl(*sql, strlen(*sql), q->has_sql_mode ? q->sql_mode : 0, m)) {
		free(m);
		return true;
	}
	if (m->unsupported[0]) {
		set_fatal(a, "DDL at %s:%" PRIu64 ": %s; nothing from this statement on was "
		    "applied. Run it on the destination in MariaDB's words and restart from "
		    "the next position: %.200s", a->file, ev->offset, m->unsupported, *sql);
		goto out;
	}
	if (m->nvis > 0 && !visibility_mods(a, ev, in, defdb, m, mods))
		goto out;
	if (m->nconds > 0 && !ddl_conditions(a, in, defdb, m, holds))
		goto out;
	for (unsigned i = 0; i < m->nconds; i++) {
		if (!holds[i])
			log_warn("%s:%" PRIu64 ": DROP CONSTRAINT `%s` left out: the destination "
			    "has no constraint of that name (a CHECK the source did not "
			    "enforce, left out before)", a->file, ev->offset, m->conds[i].name);
	}
	t = sql_mariadb_ddl_text(*sql, strlen(*sql), m, holds);
	if (t == NULL) {
		set_fatal(a, "out of memory");
		goto out;
	}
	if (m->note[0])
		log_warn("%s:%" PRIu64 ": MySQL's CHECK the source does not enforce (or "
		    "its ENFORCED) left out on MariaDB, which has no NOT ENFORCED: %s",
		    a->file, ev->offset, m->note);
	*none = t[0] == '\0';
	log_info("%s:%" PRIu64 ": %s: %.300s", a->file, ev->offset, *none ? "nothing "
	    "left to run on MariaDB" : "in MariaDB's words", *none ? *sql : t);
	free(*sql);
	*sql = t;
	ok = true;
out:
	for (unsigned i = 0; i < sizeof(mods) / sizeof(mods[0]); i++)
		free(mods[i]);
	free(m);
	return ok;
}

/*
 * A DDL from a MariaDB source for a MySQL destination: MariaDB's words
 * MySQL lacks (sql_mariadb_ddl()), each IF [NOT] EXISTS decided by the
 * destination's schema, which is the source's as of this statement.
 * *sql is replaced; drop_first gets the DROP to run before it (CREATE OR
 * REPLACE), *none tells that nothing is left to run. False (fatal) when
 * the statement cannot be translated.
 */
static bool
ddl_mariadb_words(struct applier *a, const struct binlog_event *ev,
    const struct sql_info *in, const char *defdb, char **sql, char *drop_first,
    size_t dlen, bool *none)
{
	const struct binlog_query *q = &ev->query;
	struct sql_mdb *m;
	bool holds[SQL_MDB_MAX], ok = false;
	char *t;

	*none = false;
	drop_first[0] = '\0';
	m = malloc(sizeof(*m));
	if (m == NULL) {
		set_fatal(a, "out of memory");
		return false;
	}
	if (!sql_mariadb_ddl(*sql, strlen(*sql), q->has_sql_mode ? q->sql_mode : 0, m)) {
		free(m);
		return true;
	}
	if (m->unsupported[0]) {
		set_fatal(a, "DDL at %s:%" PRIu64 ": MariaDB's %s has no MySQL equivalent "
		    "myshift can write; nothing from this statement on was applied. Run it "
		    "on the destination in MySQL's words and restart from the next "
		    "position: %.200s", a->file, ev->offset, m->unsupported, *sql);
		goto out;
	}
	if (!ddl_conditions(a, in, defdb, m, holds))
		goto out;
	t = sql_mariadb_ddl_text(*sql, strlen(*sql), m, holds);
	if (t == NULL) {
		set_fatal(a, "out of memory");
		goto out;
	}
	snprintf(drop_first, dlen, "%s", m->drop_first);
	*none = t[0] == '\0';
	if (*none)
		log_info("%s:%" PRIu64 ": MariaDB's IF [NOT] EXISTS leaves nothing to do on "
		    "the destination: %.300s", a->file, ev->offset, *sql);
	else
		log_info("%s:%" PRIu64 ": in MySQL's words%s%s%s: %.300s", a->file, ev->offset,
		    drop_first[0] ? " (after " : "", drop_first, drop_first[0] ? ")" : "", t);
	free(*sql);
	*sql = t;
	ok = true;
out:
	free(m);
	return ok;
}

/*
 * In the seam: whether source table db.name was recorded gone by the copy
 * (dropped while copied) and not settled yet (1), 0 not, -1 failed.
 */
static int
seam_gone_table(struct applier *a, const char *db, const char *name)
{
	return state_gone_pending(&a->d, a->cfg->state_schema, db, name);
}

/*
 * Source table db.name, recorded gone, is settled: its DROP was replayed
 * (or, drop_dest, its copy on the destination is dropped now because a
 * CREATE of the name follows a DROP from before the catch-up's start), so
 * the end of the catch-up leaves it alone.
 */
static bool
seam_settle_gone(struct applier *a, const char *db, const char *name, bool drop_dest)
{
	struct sbuf q = { 0 };
	char ddb[200], dt[200];
	bool ok = true;

	if (drop_dest) {
		filter_map(a->f, db, name, ddb, sizeof(ddb), dt, sizeof(dt));
		sbuf_adds(&q, "DROP TABLE IF EXISTS ");
		dest_quote(&q, ddb);
		sbuf_addc(&q, '.');
		dest_quote(&q, dt);
		sbuf_addc(&q, '\0');
		ok = !q.oom && dest_exec(&a->d, q.p);
		if (ok)
			log_info("`%s`.`%s`: created again on the source after a DROP from before "
			    "the catch-up's start: its old copy dropped on the destination first",
			    db, name);
		sbuf_reset(&q);
	}
	sbuf_free(&q);
	return ok && state_gone_settled(&a->d, a->cfg->state_schema, db, name);
}

/*
 * In the seam: whether the CREATE TABLE or CREATE DATABASE in was already
 * done by the migration's schema phase, after it ran on the source (the
 * tables are listed again once the stream's start is recorded, and an
 * earlier run may have listed a table created since). A table counts only
 * if the migration made it (copy_tables) and it exists; a database if it
 * exists. 1 done, 0 not, -1 failed (a->d says why).
 */
static int
seam_created(struct applier *a, const struct sql_info *in)
{
	char ddb[200], dt[200], *v = NULL;
	struct sbuf q = { 0 };
	bool exists, ok;

	if (in->nrefs == 0)
		return 0;
	if (in->object == SQLO_DATABASE) {
		filter_map(a->f, in->refs[0].name, NULL, ddb, sizeof(ddb), dt, sizeof(dt));
		sbuf_adds(&q, "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ");
		sbuf_sql_string(&q, ddb);
		sbuf_addc(&q, '\0');
		ok = !q.oom && dest_value(&a->d, q.p, &v);
		sbuf_free(&q);
		exists = ok && v != NULL && strcmp(v, "0") != 0;
		free(v);
		return ok ? exists : -1;
	}
	sbuf_printf(&q, "SELECT COUNT(*) FROM `%s`.`copy_tables` WHERE src_db = ",
	    a->cfg->state_schema);
	sbuf_sql_string(&q, in->refs[0].db);
	sbuf_adds(&q, " AND src_table = ");
	sbuf_sql_string(&q, in->refs[0].name);
	sbuf_addc(&q, '\0');
	ok = !q.oom && dest_value(&a->d, q.p, &v);
	sbuf_free(&q);
	if (!ok)
		return -1;
	exists = v != NULL && strcmp(v, "0") != 0;
	free(v);
	if (!exists)
		return 0;
	/* dropped while copied, its DROP before the catch-up: the copy is stale */
	switch (seam_gone_table(a, in->refs[0].db, in->refs[0].name)) {
	case -1:
		return -1;
	case 1:
		return seam_settle_gone(a, in->refs[0].db, in->refs[0].name, true) ? 0 : -1;
	}
	filter_map(a->f, in->refs[0].db, in->refs[0].name, ddb, sizeof(ddb), dt, sizeof(dt));
	if (!dest_table_exists(&a->d, ddb, dt, &exists))
		return -1;
	return exists;
}

/*
 * A DDL (or account statement): committed batch before, then the statement
 * with the source's session, then its own checkpoint. Replayed after a
 * crash, it is recognised by the schema fingerprint recorded before it.
 */
bool
apply_ddl(struct applier *a, const struct binlog_event *ev, const struct sql_info *in,
    const char *end_file, uint64_t end_pos)
{
	const struct binlog_query *q = &ev->query;
	char defdb[200] = "", dstdb[200], tn[200], fp0[64], fp1[64];
	char *sql = NULL, *have_fp = NULL, *have_file = NULL, *have_pos = NULL;
	char drop_first[512] = "";
	struct sbuf s = { 0 };
	int sel;
	bool ok = false, skip = false, nothing = false;

	snprintf(defdb, sizeof(defdb), "%.*s", (int)q->db.len, q->db.p);
	if (in->temporary) {
		log_info("%s:%" PRIu64 ": temporary table statement not replayed: %.*s",
		    a->file, ev->offset, (int)(q->query.len > 80 ? 80 : q->query.len),
		    q->query.p);
		return true;
	}
	sel = in->kind == SQL_ACCOUNT ? 1 : ddl_selected(a, in, defdb);
	if (sel == 0) {
		log_debug("%s:%" PRIu64 ": DDL on filtered objects not replayed", a->file,
		    ev->offset);
		return true;
	}
	if (sel < 0) {
		set_fatal(a, "DDL at %s:%" PRIu64 " names both replicated and filtered "
		    "objects; replay it by hand and restart from the next position: %.*s",
		    a->file, ev->offset, (int)(q->query.len > 200 ? 200 : q->query.len),
		    q->query.p);
		return false;
	}
	if (a->in_seam && in->kind != SQL_ACCOUNT) {
		/*
		 * Inside the seam of a snapshot copy: views, routines, triggers and
		 * events were read after the copy (later than this), so their DDL
		 * is not replayed; a table's DDL here ran while it was copied, and
		 * the copied rows may predate or follow it.
		 */
		bool alter = strcasecmp(in->verb, "ALTER") == 0 ||
		    strcasecmp(in->verb, "RENAME") == 0;
		bool reshapes = ((in->object == SQLO_TABLE || in->object == SQLO_OTHER) &&
		    alter) || (in->object == SQLO_INDEX && (alter ||
		    strcasecmp(in->verb, "CREATE") == 0 || strcasecmp(in->verb, "DROP") == 0));
		if (in->object != SQLO_DATABASE && in->object != SQLO_TABLE &&
		    in->object != SQLO_INDEX && in->object != SQLO_SEQUENCE &&
		    in->object != SQLO_OTHER) {
			log_info("%s:%" PRIu64 ": %s %s during the copy not replayed (the "
			    "object was copied after it)", a->file, ev->offset, in->verb,
			    in->nrefs ? in->refs[0].name : "");
			return true;
		}
		if (strcasecmp(in->verb, "CREATE") == 0 && (in->object == SQLO_TABLE ||
		    in->object == SQLO_DATABASE)) {
			int done = seam_created(a, in);
			if (done < 0) {
				set_dest_error(a, NULL);
				return false;
			}
			if (done > 0) {
				char what[420];
				if (in->object == SQLO_DATABASE)
					snprintf(what, sizeof(what), "DATABASE `%s`", in->refs[0].name);
				else
					snprintf(what, sizeof(what), "TABLE `%s`.`%s`", in->refs[0].db,
					    in->refs[0].name);
				log_info("%s:%" PRIu64 ": CREATE %s during the copy not replayed: "
				    "the migration's schema phase made it after this statement ran "
				    "on the source", a->file, ev->offset, what);
				return true;
			}
		}
		if (!reshapes)
			goto replay; /* CREATE/DROP/TRUNCATE TABLE, databases: as always */
		set_fatal(a, "DDL on a copied table ran on the source during the copy, at "
		    "%s:%" PRIu64 " (%.*s): the copied rows may not match it. Keep DDL off "
		    "the source during the copy (on MySQL, grant BACKUP_ADMIN so myshift "
		    "holds LOCK INSTANCE FOR BACKUP), then drop the copied tables and the "
		    "state schema `%s` on the destination and run again", a->file,
		    ev->offset, (int)(q->query.len > 200 ? 200 : q->query.len), q->query.p,
		    a->cfg->state_schema);
		return false;
	}
replay:
	if (!a->mariadb && !ddl_mysql_types(a, ev, in, end_file, end_pos))
		return false;
	if (filter_renames(a->f)) {
		sql = sql_rewrite_mode(q->query.p, q->query.len, defdb,
		    q->has_sql_mode ? q->sql_mode : 0, a->f);
		if (sql == NULL) {
			set_fatal(a, "out of memory");
			return false;
		}
	} else {
		sql = malloc(q->query.len + 1);
		if (sql == NULL) {
			set_fatal(a, "out of memory");
			return false;
		}
		memcpy(sql, q->query.p, q->query.len);
		sql[q->query.len] = '\0';
	}
	/*
	 * MySQL 8.0.21+ logs CREATE TABLE ... SELECT as one atomic group:
	 * "CREATE TABLE ... START TRANSACTION", the rows, XID.  Replayed as a
	 * plain CREATE TABLE, then the rows as any transaction: after a crash
	 * between the two, the fingerprint recognises the CREATE and the rows
	 * follow (the checkpoint is still before the group).
	 */
	if (in->object == SQLO_TABLE && strcmp(in->verb, "CREATE") == 0)
		strip_start_transaction(sql);
	/* collations the destination lacks, charsets whose defaults differ */
	{
		bool changed = false;
		char err[512];
		char *cs = collations_rewrite_sql(a->colls, sql, strlen(sql),
		    in->object == SQLO_TABLE || in->object == SQLO_DATABASE, &changed, err,
		    sizeof(err));
		if (cs == NULL) {
			set_fatal(a, "DDL at %s:%" PRIu64 " on %s%s%s: %s: %.200s", a->file,
			    ev->offset, in->nrefs ? in->refs[0].db : "?",
			    in->nrefs && in->object != SQLO_DATABASE ? "." : "",
			    in->nrefs && in->object != SQLO_DATABASE ? in->refs[0].name : "",
			    err, sql);
			goto out;
		}
		if (changed)
			log_info("%s:%" PRIu64 ": collations translated for the destination: "
			    "%.300s", a->file, ev->offset, cs);
		free(sql);
		sql = cs;
	}
	/* an index's visibility in the destination vendor's words (IGNORED, INVISIBLE) */
	if (in->object == SQLO_TABLE || in->object == SQLO_INDEX) {
		const struct binlog_fde *fde = binlog_decoder_fde(a->dec);
		bool oom = false;
		char *v = NULL;
		bool cross = fde != NULL && fde->flavor != BINLOG_FLAVOR_UNKNOWN &&
		    (fde->flavor == BINLOG_FLAVOR_MARIADB) != a->mariadb;
		if (cross && a->mariadb) {
			/* MySQL's / *!80023 INVISIBLE * /, which MariaDB would ignore */
			char *u = sql_unwrap_mysql_visibility(sql, strlen(sql),
			    q->has_sql_mode ? q->sql_mode : 0, &oom);
			if (u != NULL) {
				log_info("%s:%" PRIu64 ": MySQL's versioned INVISIBLE or VISIBLE "
				    "unwrapped for MariaDB: %.300s", a->file, ev->offset, u);
				free(sql);
				sql = u;
			}
		}
		if (cross && !oom)
			v = sql_index_visibility(sql, strlen(sql), q->has_sql_mode ?
			    q->sql_mode : 0, a->mariadb, &oom);
		if (oom) {
			set_fatal(a, "out of memory");
			goto out;
		}
		if (v != NULL) {
			log_info("%s:%" PRIu64 ": index visibility in %s's words: %.300s",
			    a->file, ev->offset, a->mariadb ? "MariaDB" : "MySQL", v);
			free(sql);
			sql = v;
		}
	}
	/* MySQL's CHECK ... [NOT] ENFORCED, which MariaDB lacks */
	if (a->mariadb && in->object == SQLO_TABLE && (strcmp(in->verb, "CREATE") == 0 ||
	    strcmp(in->verb, "ALTER") == 0)) {
		const struct binlog_fde *fde = binlog_decoder_fde(a->dec);
		if (fde != NULL && fde->flavor == BINLOG_FLAVOR_MYSQL &&
		    !ddl_mysql_checks(a, ev, in, defdb, &sql, &nothing))
			goto out;
	}
	/* MariaDB's OR REPLACE and IF [NOT] EXISTS where MySQL has none */
	if (!a->mariadb && in->kind == SQL_DDL) {
		const struct binlog_fde *fde = binlog_decoder_fde(a->dec);
		if (fde != NULL && fde->flavor == BINLOG_FLAVOR_MARIADB) {
			if (!ddl_mariadb_words(a, ev, in, defdb, &sql, drop_first,
			    sizeof(drop_first), &nothing))
				goto out;
		}
	}
	if (in->object == SQLO_TRIGGER && strcasecmp(in->verb, "CREATE") == 0) {
		/* the trigger must not act for myshift's replayed rows: guarded */
		struct sbuf g = { 0 };
		char err[300];
		if (!objects_trigger_guard(sql, strlen(sql), &g, err, sizeof(err))) {
			sbuf_free(&g);
			set_fatal(a, "DDL at %s:%" PRIu64 ": %s", a->file, ev->offset, err);
			goto out;
		}
		free(sql);
		sql = g.p;
	}
	/* was this DDL applied before a crash? */
	sbuf_printf(&s, "SELECT CONCAT_WS(' ', IFNULL(ddl_fingerprint, '-'), IFNULL(ddl_file, '-'), "
	    "IFNULL(ddl_pos, 0)) FROM `%s`.`checkpoint` WHERE id = 1", a->cfg->state_schema);
	sbuf_addc(&s, '\0');
	if (!dest_value(&a->d, s.p, &have_fp)) {
		set_dest_error(a, NULL);
		goto out;
	}
	if (!fingerprint(a, in, defdb, fp0, sizeof(fp0)))
		goto out;
	if (nothing) {
		skip = true;
	} else if (drop_first[0]) {
		/*
		 * CREATE OR REPLACE as DROP and CREATE: run again after a crash
		 * between them or after both, it leaves the same object
		 */
	} else if (have_fp != NULL) {
		char f[64], file[520];
		unsigned long long p = 0;
		if (sscanf(have_fp, "%63s %519s %llu", f, file, &p) == 3 &&
		    strcmp(file, end_file) == 0 && p == end_pos && strcmp(f, fp0) != 0) {
			log_info("%s:%" PRIu64 ": DDL already applied before a restart (schema "
			    "changed since): not applied twice", a->file, ev->offset);
			skip = true;
		}
	}
	(void)have_file;
	(void)have_pos;
	if (!skip) {
		sbuf_reset(&s);
		sbuf_printf(&s, "UPDATE `%s`.`checkpoint` SET ddl_fingerprint = '%s', ddl_file = ",
		    a->cfg->state_schema, fp0);
		sbuf_sql_string(&s, end_file);
		sbuf_printf(&s, ", ddl_pos = %" PRIu64 " WHERE id = 1", end_pos);
		sbuf_addc(&s, '\0');
		if (!dest_exec(&a->d, s.p)) {
			set_dest_error(a, NULL);
			goto out;
		}
		if (defdb[0] && in->object != SQLO_DATABASE) {
			filter_map(a->f, defdb, NULL, dstdb, sizeof(dstdb), tn, sizeof(tn));
			if (strcmp(dstdb, a->cur_db) != 0) {
				if (mysql_select_db(a->d.my, dstdb) == 0)
					snprintf(a->cur_db, sizeof(a->cur_db), "%s", dstdb);
				else {
					a->d.errnum = mysql_errno(a->d.my);
					snprintf(a->d.err, sizeof(a->d.err), "%s: USE `%s` for the "
					    "statement at %s:%" PRIu64 ": %s%s", a->d.where, dstdb,
					    a->file, ev->offset, mysql_error(a->d.my),
					    a->d.errnum == ER_BAD_DB_ERROR ? " (the destination must "
					    "hold the source's schema as of the start position: load "
					    "a snapshot first, or start where the database is created)" :
					    "");
					set_dest_error(a, NULL);
					goto out;
				}
			}
		}
		if (!session_query(a, ev))
			goto out;
		if (drop_first[0] && mysql_real_query(a->d.my, drop_first, strlen(drop_first)) != 0) {
			a->d.errnum = mysql_errno(a->d.my);
			snprintf(a->d.err, sizeof(a->d.err), "%s: replaying the statement at %s:%"
			    PRIu64 " failed: %.300s (error %u): %.200s (before %.200s)", a->d.where,
			    a->file, ev->offset, mysql_error(a->d.my), a->d.errnum, drop_first, sql);
			set_dest_error(a, NULL);
			goto out;
		}
		if (mysql_real_query(a->d.my, sql, strlen(sql)) != 0) {
			a->d.errnum = mysql_errno(a->d.my);
			snprintf(a->d.err, sizeof(a->d.err), "%s: replaying the statement at %s:%"
			    PRIu64 " failed: %.300s (error %u): %.200s", a->d.where, a->file,
			    ev->offset, mysql_error(a->d.my), a->d.errnum,
			    in->kind == SQL_ACCOUNT ? "(account statement, text not shown)" : sql);
			set_dest_error(a, NULL);
			goto out;
		}
		{
			MYSQL_RES *res;
			do {
				if ((res = mysql_store_result(a->d.my)) != NULL)
					mysql_free_result(res);
			} while (mysql_next_result(a->d.my) == 0);
		}
		if (!session_restore(a))
			goto out;
		pthread_mutex_lock(&a->lock);
		a->stats.ddl++;
		pthread_mutex_unlock(&a->lock);
	}
	if (a->in_seam && in->object == SQLO_TABLE && strcasecmp(in->verb, "DROP") == 0) {
		/* a table gone during the copy whose DROP is now replayed: settled */
		for (unsigned i = 0; i < in->nrefs; i++) {
			int g = seam_gone_table(a, in->refs[i].db, in->refs[i].name);
			if (g < 0 || (g > 0 && !seam_settle_gone(a, in->refs[i].db,
			    in->refs[i].name, false))) {
				set_dest_error(a, NULL);
				goto out;
			}
		}
	}
	(void)fp1;
	net_free(a); /* empty after the flush above; its tables are about to go */
	schema_flush(&a->sc, free_stmts);
	ok = true;
out:
	free(sql);
	free(have_fp);
	sbuf_free(&s);
	return ok;
}

/* objects.c: views, routines, triggers and events of a migration, and the trigger guard. */
#include "src/objects.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <mysqld_error.h>

#include "proto/sbuf.h"
#include "src/log.h"
#include "src/state.h"
#include "src/sqlclass.h"

/* ------------------------------------------------------ SQL text scanning */

/*
 * Skip what at p is not code: blanks, comments (-- , #, / * * /), and
 * return where code starts. Versioned comments / *! ... * / count as code
 * and are skipped over as one unit by word scanning below.
 */
static const char *
skip_blank(const char *p, const char *end)
{
	for (;;) {
		while (p < end && isspace((unsigned char)*p))
			p++;
		if (p + 1 < end && p[0] == '/' && p[1] == '*' && (p + 2 >= end || p[2] != '!')) {
			const char *e = strstr(p + 2, "*/");
			p = e && e < end ? e + 2 : end;
			continue;
		}
		if (p < end && (*p == '#' || (p + 2 < end && p[0] == '-' && p[1] == '-' &&
		    isspace((unsigned char)p[2])))) {
			while (p < end && *p != '\n')
				p++;
			continue;
		}
		return p;
	}
}

/* The end of the token at p: a quoted string or name, a word, or one character. */
static const char *
token_end(const char *p, const char *end)
{
	if (p >= end)
		return end;
	if (*p == '\'' || *p == '"' || *p == '`') {
		char q = *p++;
		while (p < end) {
			if (*p == '\\' && q != '`' && p + 1 < end) {
				p += 2;
				continue;
			}
			if (*p == q) {
				if (p + 1 < end && p[1] == q) {
					p += 2;
					continue;
				}
				return p + 1;
			}
			p++;
		}
		return end;
	}
	if (isalnum((unsigned char)*p) || *p == '_' || *p == '$' || *p == '@') {
		while (p < end && (isalnum((unsigned char)*p) || *p == '_' || *p == '$' ||
		    *p == '@'))
			p++;
		return p;
	}
	return p + 1;
}

static bool
word_is(const char *p, const char *e, const char *w)
{
	size_t n = strlen(w);

	return (size_t)(e - p) == n && strncasecmp(p, w, n) == 0;
}

/* Case-insensitive strstr (text outside strings: SHOW CREATE heads). */
static const char *
ci_find(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return hay;
	return NULL;
}

bool
objects_trigger_guard(const char *sql, size_t len, struct sbuf *out, char *err,
    size_t errlen)
{
	const char *end = sql + len, *p = sql, *e, *body = NULL;
	const char *w[3] = { NULL, NULL, NULL };
	const char *we[3] = { NULL, NULL, NULL };

	/* find FOR EACH ROW as three consecutive words */
	while (p < end) {
		p = skip_blank(p, end);
		if (p >= end)
			break;
		e = token_end(p, end);
		w[0] = w[1];
		we[0] = we[1];
		w[1] = w[2];
		we[1] = we[2];
		w[2] = p;
		we[2] = e;
		p = e;
		if (w[0] && word_is(w[0], we[0], "FOR") && word_is(w[1], we[1], "EACH") &&
		    word_is(w[2], we[2], "ROW")) {
			body = p;
			break;
		}
	}
	if (body == NULL) {
		snprintf(err, errlen, "CREATE TRIGGER without FOR EACH ROW: %.80s", sql);
		return false;
	}
	/* FOLLOWS / PRECEDES other_trigger stays before the body */
	p = skip_blank(body, end);
	e = token_end(p, end);
	if (word_is(p, e, "FOLLOWS") || word_is(p, e, "PRECEDES")) {
		p = skip_blank(e, end);
		e = token_end(p, end);
		/* db.name is not allowed here; the name alone */
		body = e;
	}
	p = skip_blank(body, end);
	/* already guarded: as it is */
	{
		const char *q = p, *qe;
		const char *want[] = { "IF", "@myshift_session", "IS", "NULL", "THEN" };
		bool guarded = true;
		for (unsigned i = 0; i < 5 && guarded; i++) {
			q = skip_blank(q, end);
			qe = token_end(q, end);
			guarded = word_is(q, qe, want[i]);
			q = qe;
		}
		if (guarded) {
			sbuf_add(out, sql, len);
			sbuf_addc(out, '\0');
			out->len--;
			return !out->oom;
		}
	}
	/* the body, without a trailing ';' and blanks */
	const char *bend = end;
	while (bend > p && (isspace((unsigned char)bend[-1]) || bend[-1] == ';'))
		bend--;
	sbuf_add(out, sql, (size_t)(body - sql));
	sbuf_adds(out, " IF " OBJECTS_SESSION_VAR " IS NULL THEN ");
	sbuf_add(out, p, (size_t)(bend - p));
	sbuf_adds(out, "; END IF");
	sbuf_addc(out, '\0');
	out->len--;
	return !out->oom;
}


bool
objects_event_disabled(const char *sql, const char *disable, struct sbuf *out)
{
	const char *end = sql + strlen(sql), *p = sql, *e;
	const char *st = NULL, *ste = NULL;

	while (p < end) {
		p = skip_blank(p, end);
		e = token_end(p, end);
		if (word_is(p, e, "DO"))
			break;
		if (word_is(p, e, "ENABLE") || word_is(p, e, "DISABLE")) {
			const char *q = skip_blank(e, end), *qe = token_end(q, end);
			st = p;
			ste = e;
			if (word_is(q, qe, "ON")) {
				const char *r = skip_blank(qe, end);
				ste = token_end(r, end);
			}
		}
		p = e;
	}
	if (p >= end)
		return false;
	if (st != NULL) {
		sbuf_add(out, sql, (size_t)(st - sql));
		sbuf_adds(out, disable);
		sbuf_adds(out, ste);
	} else {
		sbuf_add(out, sql, (size_t)(p - sql));
		sbuf_adds(out, disable);
		sbuf_addc(out, ' ');
		sbuf_adds(out, p);
	}
	sbuf_addc(out, '\0');
	return !out->oom;
}

/* ------------------------------------------------------------- copying */

struct obj {
	char kind[16];       /* VIEW, PROCEDURE, FUNCTION, TRIGGER, EVENT */
	char sdb[65], name[65], ddb[65];
	char table[65];      /* TRIGGER: its table */
	char status[24];     /* EVENT: ENABLED, DISABLED, ... */
	bool exists;
	bool done;
};

struct octx {
	struct dest *src, *dst;
	const struct filter *f;
	const char *definer;
	const char *state;   /* state schema: copy_objects lists what this migration made */
	bool mariadb_dst;
	struct objects_report *rep;
	struct obj *o;
	unsigned n, cap;
	char *err;
	size_t errlen;
	bool fatal;
};

static bool
ofail(struct octx *x, bool fatal, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static bool
ofail(struct octx *x, bool fatal, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(x->err, x->errlen, fmt, ap);
	va_end(ap);
	x->fatal = fatal;
	return false;
}

static bool
ofail_dest(struct octx *x, struct dest *d)
{
	return ofail(x, dest_permanent(d), "%s", d->err);
}


static struct obj *
add_obj(struct octx *x)
{
	if (x->n == x->cap) {
		unsigned cap = x->cap ? x->cap * 2 : 32;
		struct obj *no = realloc(x->o, cap * sizeof(*no));
		if (no == NULL)
			return NULL;
		x->o = no;
		x->cap = cap;
	}
	memset(&x->o[x->n], 0, sizeof(x->o[0]));
	return &x->o[x->n++];
}

/* The selected objects of the source, in creation order. */
static bool
list_objects(struct octx *x)
{
	static const char *const sql[] = {
		"SELECT 'VIEW', TABLE_SCHEMA, TABLE_NAME, '', '' FROM information_schema.VIEWS "
		    "ORDER BY TABLE_SCHEMA, TABLE_NAME",
		"SELECT ROUTINE_TYPE, ROUTINE_SCHEMA, ROUTINE_NAME, '', '' FROM "
		    "information_schema.ROUTINES WHERE ROUTINE_TYPE IN ('PROCEDURE', 'FUNCTION') "
		    "ORDER BY ROUTINE_SCHEMA, ROUTINE_TYPE, ROUTINE_NAME",
		"SELECT 'TRIGGER', TRIGGER_SCHEMA, TRIGGER_NAME, EVENT_OBJECT_TABLE, '' FROM "
		    "information_schema.TRIGGERS ORDER BY TRIGGER_SCHEMA, EVENT_OBJECT_TABLE, "
		    "EVENT_MANIPULATION, ACTION_TIMING, ACTION_ORDER",
		"SELECT 'EVENT', EVENT_SCHEMA, EVENT_NAME, '', STATUS FROM "
		    "information_schema.EVENTS ORDER BY EVENT_SCHEMA, EVENT_NAME",
	};

	for (unsigned k = 0; k < 4; k++) {
		MYSQL_RES *res = dest_result(x->src, sql[k]);
		MYSQL_ROW row;
		if (res == NULL)
			return ofail_dest(x, x->src);
		while ((row = mysql_fetch_row(res)) != NULL) {
			const char *db = row[1];
			if (strcmp(db, "sys") == 0 || strcmp(db, "mysql") == 0 ||
			    strcmp(db, "information_schema") == 0 ||
			    strcmp(db, "performance_schema") == 0)
				continue;
			if (k == 0 && !filter_table(x->f, db, row[2]))
				continue;
			if (k == 2 && !filter_table(x->f, db, row[3]))
				continue;
			if ((k == 1 || k == 3) && !filter_database(x->f, db))
				continue;
			struct obj *o = add_obj(x);
			char tn[200];
			if (o == NULL) {
				mysql_free_result(res);
				return ofail(x, true, "out of memory");
			}
			snprintf(o->kind, sizeof(o->kind), "%s", row[0]);
			snprintf(o->sdb, sizeof(o->sdb), "%s", db);
			snprintf(o->name, sizeof(o->name), "%s", row[2]);
			snprintf(o->table, sizeof(o->table), "%s", row[3]);
			snprintf(o->status, sizeof(o->status), "%s", row[4]);
			filter_map(x->f, db, k == 0 ? row[2] : NULL, o->ddb, sizeof(o->ddb), tn,
			    sizeof(tn));
			if (k == 0) {
				/* a view: read by its source name, created under its own */
				snprintf(o->table, sizeof(o->table), "%s", row[2]);
				snprintf(o->name, sizeof(o->name), "%.64s", tn[0] ? tn : row[2]);
			}
		}
		mysql_free_result(res);
	}
	return true;
}

/* Whether o exists on the destination. */
static bool
exists_on_dst(struct octx *x, struct obj *o)
{
	struct sbuf q = { 0 };
	char *v = NULL;
	bool ok;

	if (strcmp(o->kind, "VIEW") == 0)
		sbuf_adds(&q, "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ");
	else if (strcmp(o->kind, "TRIGGER") == 0)
		sbuf_adds(&q, "SELECT 1 FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ");
	else if (strcmp(o->kind, "EVENT") == 0)
		sbuf_adds(&q, "SELECT 1 FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ");
	else
		sbuf_adds(&q, "SELECT 1 FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ");
	sbuf_sql_string(&q, o->ddb);
	if (strcmp(o->kind, "VIEW") == 0)
		sbuf_adds(&q, " AND TABLE_NAME = ");
	else if (strcmp(o->kind, "TRIGGER") == 0)
		sbuf_adds(&q, " AND TRIGGER_NAME = ");
	else if (strcmp(o->kind, "EVENT") == 0)
		sbuf_adds(&q, " AND EVENT_NAME = ");
	else {
		sbuf_adds(&q, " AND ROUTINE_TYPE = ");
		sbuf_sql_string(&q, o->kind);
		sbuf_adds(&q, " AND ROUTINE_NAME = ");
	}
	sbuf_sql_string(&q, o->name);
	sbuf_addc(&q, '\0');
	ok = !q.oom && dest_value(x->dst, q.p, &v);
	if (!ok) {
		sbuf_free(&q);
		return ofail_dest(x, x->dst);
	}
	o->exists = v != NULL;
	free(v);
	v = NULL;
	if (o->exists) {
		/* made by an earlier run of this migration: done, not a conflict */
		sbuf_reset(&q);
		sbuf_printf(&q, "SELECT 1 FROM `%s`.`copy_objects` WHERE kind = ", x->state);
		sbuf_sql_string(&q, o->kind);
		sbuf_adds(&q, " AND db = ");
		sbuf_sql_string(&q, o->ddb);
		sbuf_adds(&q, " AND name = ");
		sbuf_sql_string(&q, o->name);
		sbuf_addc(&q, '\0');
		ok = !q.oom && dest_value(x->dst, q.p, &v);
		if (!ok) {
			sbuf_free(&q);
			return ofail_dest(x, x->dst);
		}
		o->done = v != NULL;
		free(v);
	}
	sbuf_free(&q);
	return true;
}

/* Record that this migration made o. */
static bool
record_made(struct octx *x, const struct obj *o)
{
	struct sbuf q = { 0 };
	bool ok;

	sbuf_printf(&q, "REPLACE INTO `%s`.`copy_objects` (kind, db, name, source_status) "
	    "VALUES (", x->state);
	sbuf_sql_string(&q, o->kind);
	sbuf_adds(&q, ", ");
	sbuf_sql_string(&q, o->ddb);
	sbuf_adds(&q, ", ");
	sbuf_sql_string(&q, o->name);
	sbuf_adds(&q, ", ");
	sbuf_sql_string(&q, o->status);
	sbuf_addc(&q, ')');
	sbuf_addc(&q, '\0');
	ok = !q.oom && dest_exec(x->dst, q.p);
	sbuf_free(&q);
	return ok || ofail_dest(x, x->dst);
}

/* Find DEFINER=`user`@`host` in sql: its span, and the account. */
static bool
find_definer(const char *sql, const char **at, const char **after, char *user,
    size_t ul, char *host, size_t hl)
{
	const char *end = sql + strlen(sql), *p = sql, *e;

	for (unsigned words = 0; p < end && words < 8; words++) {
		p = skip_blank(p, end);
		e = token_end(p, end);
		if ((size_t)(e - p) >= 7 && strncasecmp(p, "DEFINER", 7) == 0) {
			const char *s = p + 7, *u, *ue, *h, *he;
			s = skip_blank(s, end);
			if (s >= end || *s != '=')
				return false;
			u = skip_blank(s + 1, end);
			ue = token_end(u, end);
			if (ue >= end || *ue != '@')
				return false;
			h = ue + 1;
			he = token_end(h, end);
			if (*u == '`' || *u == '\'' || *u == '"')
				snprintf(user, ul, "%.*s", (int)(ue - u - 2), u + 1);
			else
				snprintf(user, ul, "%.*s", (int)(ue - u), u);
			if (*h == '`' || *h == '\'' || *h == '"')
				snprintf(host, hl, "%.*s", (int)(he - h - 2), h + 1);
			else
				snprintf(host, hl, "%.*s", (int)(he - h), h);
			*at = p;
			*after = he;
			return true;
		}
		p = e;
	}
	return false;
}

/*
 * A DEFINER that does not exist on the destination: the configured
 * account, else none (the current user) with SQL SECURITY INVOKER for
 * views and routines, which run with their caller's rights rather than
 * myshift's account's.
 */
static char *
fix_definer(struct octx *x, struct obj *o, const char *sql)
{
	const char *at, *after;
	char user[200], host[300], *v = NULL;
	struct sbuf q = { 0 }, out = { 0 };
	bool ok;

	if (!find_definer(sql, &at, &after, user, sizeof(user), host, sizeof(host)))
		return strdup(sql);
	sbuf_adds(&q, "SELECT 1 FROM mysql.user WHERE User = ");
	sbuf_sql_string(&q, user);
	sbuf_adds(&q, " AND Host = ");
	sbuf_sql_string(&q, host);
	sbuf_addc(&q, '\0');
	ok = !q.oom && dest_value(x->dst, q.p, &v);
	sbuf_free(&q);
	if (!ok || v != NULL) {
		/* there (or not readable: the CREATE says) */
		free(v);
		return strdup(sql);
	}
	x->rep->definers_rewritten++;
	sbuf_add(&out, sql, (size_t)(at - sql));
	if (x->definer != NULL && x->definer[0]) {
		sbuf_adds(&out, "DEFINER = ");
		sbuf_adds(&out, x->definer);
		log_warn("%s `%s`.`%s`: DEFINER `%s`@`%s` does not exist on the destination: "
		    "%s instead ([copy] definer)", o->kind, o->ddb, o->name, user, host,
		    x->definer);
	} else
		log_warn("%s `%s`.`%s`: DEFINER `%s`@`%s` does not exist on the destination: "
		    "created without it%s", o->kind, o->ddb, o->name, user, host,
		    strcmp(o->kind, "VIEW") == 0 || strcmp(o->kind, "PROCEDURE") == 0 ||
		    strcmp(o->kind, "FUNCTION") == 0 ? ", SQL SECURITY INVOKER (set [copy] "
		    "definer to keep a definer)" : " (it runs as myshift's account; set [copy] "
		    "definer)");
	const char *rest = after;
	bool invoker = (x->definer == NULL || !x->definer[0]);
	if (invoker && strcmp(o->kind, "VIEW") == 0) {
		/* CREATE ... [SQL SECURITY {DEFINER|INVOKER}] VIEW */
		const char *sd = ci_find(rest, "SQL SECURITY DEFINER");
		const char *vw = ci_find(rest, " VIEW ");
		if (sd != NULL && vw != NULL && sd < vw) {
			sbuf_add(&out, rest, (size_t)(sd - rest));
			sbuf_adds(&out, "SQL SECURITY INVOKER");
			rest = sd + strlen("SQL SECURITY DEFINER");
		} else if (vw != NULL) {
			sbuf_add(&out, rest, (size_t)(vw - rest));
			sbuf_adds(&out, " SQL SECURITY INVOKER");
			rest = vw;
		}
	} else if (invoker && (strcmp(o->kind, "PROCEDURE") == 0 ||
	    strcmp(o->kind, "FUNCTION") == 0)) {
		/* characteristics follow the head's first line (SHOW CREATE's form) */
		const char *sd = ci_find(rest, "SQL SECURITY DEFINER");
		const char *nl = strchr(rest, '\n');
		if (sd != NULL) {
			sbuf_add(&out, rest, (size_t)(sd - rest));
			sbuf_adds(&out, "SQL SECURITY INVOKER");
			rest = sd + strlen("SQL SECURITY DEFINER");
		} else if (ci_find(rest, "SQL SECURITY INVOKER") == NULL && nl != NULL) {
			sbuf_add(&out, rest, (size_t)(nl - rest));
			sbuf_adds(&out, "\n    SQL SECURITY INVOKER");
			rest = nl;
		}
	}
	sbuf_adds(&out, rest);
	sbuf_addc(&out, '\0');
	if (out.oom) {
		sbuf_free(&out);
		return NULL;
	}
	return out.p;
}

/* SHOW CREATE for o: the statement and its session settings. */
static bool
show_create(struct octx *x, struct obj *o, char **sql, char **mode, char **cs,
    char **coll, char **tz)
{
	struct sbuf q = { 0 };
	MYSQL_RES *res;
	MYSQL_ROW row;
	unsigned nf;
	int col;

	*sql = *mode = *cs = *coll = *tz = NULL;
	sbuf_printf(&q, "SHOW CREATE %s ", o->kind);
	dest_quote(&q, o->sdb);
	sbuf_addc(&q, '.');
	/* a view is read under its source name */
	dest_quote(&q, strcmp(o->kind, "VIEW") == 0 ? o->table : o->name);
	sbuf_addc(&q, '\0');
	res = q.oom ? NULL : dest_result(x->src, q.p);
	sbuf_free(&q);
	if (res == NULL)
		return ofail_dest(x, x->src);
	row = mysql_fetch_row(res);
	nf = mysql_num_fields(res);
	if (row == NULL) {
		mysql_free_result(res);
		return ofail(x, true, "SHOW CREATE %s `%s`.`%s` gave nothing (no privilege to "
		    "see its definition? the source account needs SHOW VIEW, TRIGGER, EVENT "
		    "and SELECT on mysql.proc / SHOW_ROUTINE)", o->kind, o->sdb, o->name);
	}
	/* columns: VIEW (View, Create View, cs, coll); routines (name, sql_mode,
	 * Create, cs, coll, db coll); TRIGGER (name, sql_mode, Original, cs, coll,
	 * db coll, created); EVENT (name, sql_mode, time_zone, Create, cs, coll, dbcoll) */
	if (strcmp(o->kind, "VIEW") == 0) {
		col = 1;
		if (nf > 2 && row[2])
			*cs = strdup(row[2]);
		if (nf > 3 && row[3])
			*coll = strdup(row[3]);
	} else if (strcmp(o->kind, "EVENT") == 0) {
		col = 3;
		*mode = row[1] ? strdup(row[1]) : NULL;
		*tz = row[2] ? strdup(row[2]) : NULL;
		if (nf > 4 && row[4])
			*cs = strdup(row[4]);
		if (nf > 5 && row[5])
			*coll = strdup(row[5]);
	} else {
		col = 2;
		*mode = row[1] ? strdup(row[1]) : NULL;
		if (nf > 3 && row[3])
			*cs = strdup(row[3]);
		if (nf > 4 && row[4])
			*coll = strdup(row[4]);
	}
	if ((unsigned)col >= nf || row[col] == NULL) {
		mysql_free_result(res);
		return ofail(x, true, "SHOW CREATE %s `%s`.`%s`: no definition (the source "
		    "account lacks the privilege to see it)", o->kind, o->sdb, o->name);
	}
	*sql = strdup(row[col]);
	mysql_free_result(res);
	return *sql != NULL || ofail(x, true, "out of memory");
}

/* Whether text is plain ASCII. */
static bool
ascii_only(const char *text)
{
	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		if (*p >= 0x80)
			return false;
	return true;
}

/* Create o on the destination; *missing: a view it uses is not there yet. */
static bool
create_one(struct octx *x, struct obj *o, bool *missing)
{
	char *sql = NULL, *mode = NULL, *cs = NULL, *coll = NULL, *tz = NULL;
	char *text = NULL, *fixed = NULL;
	struct sbuf s = { 0 }, g = { 0 };
	char gerr[300];
	bool ok = false;

	*missing = false;
	if (!show_create(x, o, &sql, &mode, &cs, &coll, &tz))
		goto out;
	text = filter_renames(x->f) ? sql_rewrite(sql, strlen(sql), o->sdb, x->f) :
	    strdup(sql);
	fixed = text ? fix_definer(x, o, text) : NULL;
	if (fixed == NULL) {
		ofail(x, true, "out of memory");
		goto out;
	}
	if (strcmp(o->kind, "TRIGGER") == 0) {
		if (!objects_trigger_guard(fixed, strlen(fixed), &g, gerr, sizeof(gerr))) {
			ofail(x, true, "trigger `%s`.`%s`: %s", o->sdb, o->name, gerr);
			goto out;
		}
		free(fixed);
		fixed = g.p;
		g.p = NULL;
	}
	if (strcmp(o->kind, "EVENT") == 0) {
		if (!objects_event_disabled(fixed, x->mariadb_dst ? "DISABLE ON SLAVE" :
		    "DISABLE ON REPLICA", &g)) {
			ofail(x, true, "event `%s`.`%s`: no DO in its definition", o->sdb, o->name);
			goto out;
		}
		free(fixed);
		fixed = g.p;
		g.p = NULL;
	}
	/* the object's own session: database, sql_mode, charset, time zone */
	sbuf_adds(&s, "USE ");
	dest_quote(&s, o->ddb);
	sbuf_addc(&s, '\0');
	if (!dest_exec(x->dst, s.p)) {
		ofail_dest(x, x->dst);
		goto out;
	}
	/*
	 * The definition arrives in utf8mb4 and is sent back so. The object
	 * records the client character set it was created under: the source's
	 * when the text is plain ASCII (which reads the same in every client
	 * character set), else utf8mb4, the one the text is in.
	 */
	for (int try = cs != NULL && ascii_only(fixed) ? 0 : 1; try < 3; try++) {
		sbuf_reset(&s);
		sbuf_adds(&s, "SET SESSION sql_mode = ");
		sbuf_sql_string(&s, try < 2 && mode ? mode : "");
		if (cs != NULL && try < 2) {
			sbuf_adds(&s, ", character_set_client = ");
			sbuf_sql_string(&s, try == 0 ? cs : "utf8mb4");
		}
		if (coll != NULL && try < 2) {
			sbuf_adds(&s, ", collation_connection = ");
			sbuf_sql_string(&s, coll);
		}
		if (tz != NULL && strcasecmp(tz, "SYSTEM") != 0 && try < 2) {
			sbuf_adds(&s, ", time_zone = ");
			sbuf_sql_string(&s, tz);
		}
		sbuf_addc(&s, '\0');
		if (dest_exec(x->dst, s.p))
			break;
		/* a character set, collation or mode the destination lacks: the
		 * CREATE may still work without it */
		log_debug("%s", x->dst->err);
		if (try == 2) {
			ofail_dest(x, x->dst);
			goto out;
		}
	}
	if (!dest_exec(x->dst, fixed)) {
		if (strcmp(o->kind, "VIEW") == 0 && x->dst->errnum == ER_NO_SUCH_TABLE) {
			*missing = true;
			snprintf(x->err, x->errlen, "%s", x->dst->err);
		} else
			ofail(x, !dest_transient(x->dst), "creating %s `%s`.`%s`: %s", o->kind,
			    o->ddb, o->name, x->dst->err);
		goto out;
	}
	if (strcmp(o->kind, "EVENT") == 0) {
		log_info("event `%s`.`%s` created disabled on the destination (%s on the "
		    "source): a standby must not run it; enable it when the destination "
		    "takes over", o->ddb, o->name, o->status);
	}
	ok = true;
out:
	free(sql);
	free(mode);
	free(cs);
	free(coll);
	free(tz);
	free(text);
	free(fixed);
	sbuf_free(&s);
	sbuf_free(&g);
	return ok;
}

bool
objects_copy(struct dest *src, struct dest *dst, const struct filter *f,
    const char *state_schema, const char *definer, bool ignore_existing,
    struct objects_report *rep, bool *fatal, char *err, size_t errlen)
{
	struct octx x = { 0 };
	struct sbuf l = { 0 };
	unsigned nexist = 0;
	bool ok = false;

	memset(rep, 0, sizeof(*rep));
	x.src = src;
	x.dst = dst;
	x.f = f;
	x.definer = definer;
	x.state = state_schema;
	x.rep = rep;
	x.err = err;
	x.errlen = errlen;
	x.mariadb_dst = dest_is_mariadb(dst);
	*fatal = false;
	if (!state_migration_create(dst, state_schema)) {
		ofail_dest(&x, dst);
		goto out;
	}
	if (!list_objects(&x))
		goto out;
	for (unsigned i = 0; i < x.n; i++) {
		if (!exists_on_dst(&x, &x.o[i]))
			goto out;
		if (x.o[i].exists && !x.o[i].done) {
			sbuf_printf(&l, "%s%s `%s`.`%s`", nexist ? ", " : "", x.o[i].kind,
			    x.o[i].ddb, x.o[i].name);
			nexist++;
		}
	}
	sbuf_addc(&l, '\0');
	if (nexist > 0 && !ignore_existing) {
		ofail(&x, true, "%u object(s) already exist on the destination: %s; nothing "
		    "was created. Drop them, or set [copy] on_conflict = ignore to keep them",
		    nexist, l.p ? l.p : "");
		goto out;
	}
	if (nexist > 0)
		log_warn("on_conflict = ignore: %u object(s) already on the destination kept "
		    "as they are: %s", nexist, l.p ? l.p : "");
	/* routines first (views may call functions), then views, then triggers and events */
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1) {
			/* views: passes until none is left or none can be made (a view on a view) */
			for (;;) {
				unsigned made = 0, left = 0;
				for (unsigned i = 0; i < x.n; i++) {
					struct obj *o = &x.o[i];
					bool missing;
					if (strcmp(o->kind, "VIEW") != 0 || o->done || o->exists)
						continue; /* made by an earlier run, or kept (ignore) */
					if (create_one(&x, o, &missing)) {
						if (!record_made(&x, o))
							goto out;
						o->done = true;
						made++;
						rep->views++;
					} else if (missing)
						left++;
					else
						goto out;
				}
				if (left == 0)
					break;
				if (made == 0) {
					ofail(&x, true, "views that use each other or a missing table: %s", err);
					goto out;
				}
			}
		}
		for (unsigned i = 0; i < x.n; i++) {
			struct obj *o = &x.o[i];
			bool missing, routine = strcmp(o->kind, "PROCEDURE") == 0 ||
			    strcmp(o->kind, "FUNCTION") == 0;
			if (strcmp(o->kind, "VIEW") == 0 || o->done || routine != (pass == 0))
				continue;
			if (o->exists) {
				rep->reused++;
				continue;
			}
			if (!create_one(&x, o, &missing) || !record_made(&x, o))
				goto out;
			if (strcmp(o->kind, "TRIGGER") == 0)
				rep->triggers++;
			else if (strcmp(o->kind, "EVENT") == 0)
				rep->events++;
			else
				rep->routines++;
		}
	}
	ok = true;
out:
	*fatal = x.fatal;
	/* the session as dest_connect made it (an object may have left another
	 * client character set) */
	if (!dest_exec(dst, "SET SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO,"
	    "NO_ENGINE_SUBSTITUTION', time_zone = '+00:00', character_set_client = utf8mb4, "
	    "collation_connection = utf8mb4_general_ci"))
		log_debug("%s", dst->err);
	sbuf_free(&l);
	free(x.o);
	return ok;
}

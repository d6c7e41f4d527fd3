/* binlog_print.c: events as mariadb-binlog -v text, as JSON lines, or as counts. */
#include "src/binlog_print.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "proto/gtid.h"
#include "proto/jsonb.h"
#include "proto/value.h"

struct print_tstat {
	char *name; /* "db.table" */
	uint64_t ins, upd, del, events;
};

/* A copy of the counters taken at each commit of a live stream. */
struct printer_saved {
	uint64_t events, ignored;
	uint64_t type_count[256], type_bytes[256];
	uint64_t rows_ins, rows_upd, rows_del;
	size_t ntstats, cap;
	struct print_tstat *tstats; /* counts only; names stay in the printer */
};

/* Remember the counters (at a commit). */
static bool
counters_save(struct printer *p)
{
	struct printer_saved *s = p->saved;

	if (s == NULL && (s = p->saved = calloc(1, sizeof(*s))) == NULL)
		return false;
	s->events = p->events;
	s->ignored = p->ignored;
	memcpy(s->type_count, p->type_count, sizeof(s->type_count));
	memcpy(s->type_bytes, p->type_bytes, sizeof(s->type_bytes));
	s->rows_ins = p->rows_ins;
	s->rows_upd = p->rows_upd;
	s->rows_del = p->rows_del;
	if (p->ntstats > s->cap) {
		struct print_tstat *n = realloc(s->tstats, p->tstats_cap * sizeof(*n));
		if (n == NULL)
			return false;
		s->tstats = n;
		s->cap = p->tstats_cap;
	}
	if (p->ntstats)
		memcpy(s->tstats, p->tstats, p->ntstats * sizeof(*s->tstats));
	s->ntstats = p->ntstats;
	return true;
}

/* Put the counters back as they were at the last commit (a discard). */
static void
counters_restore(struct printer *p)
{
	struct printer_saved *s = p->saved;

	if (s == NULL) {
		/* nothing committed yet: everything counted so far is void */
		p->events = p->ignored = 0;
		memset(p->type_count, 0, sizeof(p->type_count));
		memset(p->type_bytes, 0, sizeof(p->type_bytes));
		p->rows_ins = p->rows_upd = p->rows_del = 0;
		for (size_t i = 0; i < p->ntstats; i++)
			p->tstats[i].ins = p->tstats[i].upd = p->tstats[i].del =
			    p->tstats[i].events = 0;
		return;
	}
	p->events = s->events;
	p->ignored = s->ignored;
	memcpy(p->type_count, s->type_count, sizeof(p->type_count));
	memcpy(p->type_bytes, s->type_bytes, sizeof(p->type_bytes));
	p->rows_ins = s->rows_ins;
	p->rows_upd = s->rows_upd;
	p->rows_del = s->rows_del;
	for (size_t i = 0; i < p->ntstats; i++) {
		struct print_tstat *t = &p->tstats[i];
		if (i < s->ntstats) {
			t->ins = s->tstats[i].ins;
			t->upd = s->tstats[i].upd;
			t->del = s->tstats[i].del;
			t->events = s->tstats[i].events;
		} else
			t->ins = t->upd = t->del = t->events = 0;
	}
}

void
printer_init(struct printer *p, enum print_mode mode, FILE *out)
{
	memset(p, 0, sizeof(*p));
	p->mode = mode;
	p->out = out;
}

void
printer_free(struct printer *p)
{
	if (p->saved != NULL) {
		free(p->saved->tstats);
		free(p->saved);
	}
	if (p->spill != NULL)
		fclose(p->spill);
	sbuf_free(&p->buf);
	free(p->before);
	free(p->after);
	for (size_t i = 0; i < p->ntstats; i++)
		free(p->tstats[i].name);
	free(p->tstats);
}

bool
printer_flush(struct printer *p)
{
	if (p->buf.len == 0)
		return true;
	if (fwrite(p->buf.p, 1, p->buf.len, p->out) != p->buf.len)
		return false;
	p->buf.len = 0;
	return true;
}

#define HOLD_LIMIT (64u << 20)

/* Move held output to the spill file (a transaction larger than memory allows). */
static void
spill(struct printer *p)
{
	if (p->spill == NULL && (p->spill = tmpfile()) == NULL) {
		p->buf.oom = true; /* reported as a write error at commit */
		return;
	}
	if (fwrite(p->buf.p, 1, p->buf.len, p->spill) != p->buf.len)
		p->buf.oom = true;
	p->buf.len = 0;
}

static void
maybe_flush(struct printer *p)
{
	if (p->hold) {
		if (p->buf.len >= HOLD_LIMIT)
			spill(p);
		return;
	}
	if (p->buf.len >= (1u << 20))
		(void)printer_flush(p);
}

bool
printer_commit(struct printer *p)
{
	char tmp[65536];
	size_t n;

	if (p->buf.oom || !counters_save(p))
		return false;
	if (p->spill != NULL && ftell(p->spill) > 0) {
		rewind(p->spill);
		while ((n = fread(tmp, 1, sizeof(tmp), p->spill)) > 0)
			if (fwrite(tmp, 1, n, p->out) != n)
				return false;
		rewind(p->spill);
		if (ftruncate(fileno(p->spill), 0) != 0)
			return false;
	}
	if (!printer_flush(p))
		return false;
	return fflush(p->out) == 0;
}

void
printer_discard(struct printer *p)
{
	p->buf.len = 0;
	p->stmt_rows = 0;
	counters_restore(p);
	if (p->spill != NULL) {
		rewind(p->spill);
		if (ftruncate(fileno(p->spill), 0) != 0)
			p->buf.oom = true;
	}
}

void
printer_begin(struct printer *p)
{
	if (p->mode != PRINT_TEXT)
		return;
	sbuf_adds(&p->buf,
	    "/*!50530 SET @@SESSION.PSEUDO_SLAVE_MODE=1*/;\n"
	    "/*!40019 SET @@session.max_delayed_threads=0*/;\n"
	    "/*!50003 SET @OLD_COMPLETION_TYPE=@@COMPLETION_TYPE,COMPLETION_TYPE=0*/;\n"
	    "DELIMITER /*!*/;\n");
}

void
printer_end(struct printer *p)
{
	if (p->mode != PRINT_TEXT)
		return;
	sbuf_adds(&p->buf,
	    "DELIMITER ;\n# End of log file\n"
	    "ROLLBACK /* added by myshift-binlog */;\n"
	    "/*!50003 SET COMPLETION_TYPE=@OLD_COMPLETION_TYPE*/;\n"
	    "/*!50530 SET @@SESSION.PSEUDO_SLAVE_MODE=0*/;\n");
}

/* `name` with backticks doubled, as the server quotes identifiers. */
static void
add_ident(struct sbuf *b, const char *s, size_t n)
{
	sbuf_addc(b, '`');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '`')
			sbuf_addc(b, '`');
		sbuf_addc(b, s[i]);
	}
	sbuf_addc(b, '`');
}

/* Whether rows of this table pass --database / --table. */
static bool
table_selected(const struct printer *p, const struct binlog_table *t)
{
	if (p->db_filter != NULL && strcmp(p->db_filter, t->db.p) != 0)
		return false;
	if (p->table_filter != NULL) {
		const char *dot = strchr(p->table_filter, '.');
		if (dot == NULL)
			return strcmp(p->table_filter, t->table.p) == 0;
		return (size_t)(dot - p->table_filter) == t->db.len &&
		    memcmp(p->table_filter, t->db.p, t->db.len) == 0 &&
		    strcmp(dot + 1, t->table.p) == 0;
	}
	return true;
}

static bool
query_selected(const struct printer *p, const struct binlog_query *q)
{
	if (p->db_filter == NULL && p->table_filter == NULL)
		return true;
	if (p->db_filter != NULL)
		return q->db.len == strlen(p->db_filter) &&
		    memcmp(q->db.p, p->db_filter, q->db.len) == 0;
	return true;
}

static struct print_tstat *
tstat_get(struct printer *p, const struct binlog_table *t)
{
	size_t i;

	/* a handful of tables: a linear scan beats hashing */
	for (i = 0; i < p->ntstats; i++) {
		const char *n = p->tstats[i].name;
		if (memcmp(n, t->db.p, t->db.len) == 0 && n[t->db.len] == '.' &&
		    strcmp(n + t->db.len + 1, t->table.p) == 0)
			return &p->tstats[i];
	}
	if (p->ntstats == p->tstats_cap) {
		size_t nc = p->tstats_cap ? p->tstats_cap * 2 : 16;
		struct print_tstat *ns = realloc(p->tstats, nc * sizeof(*ns));
		if (ns == NULL)
			return NULL;
		p->tstats = ns;
		p->tstats_cap = nc;
	}
	i = p->ntstats;
	memset(&p->tstats[i], 0, sizeof(p->tstats[i]));
	p->tstats[i].name = malloc(t->db.len + t->table.len + 2);
	if (p->tstats[i].name == NULL)
		return NULL;
	memcpy(p->tstats[i].name, t->db.p, t->db.len);
	p->tstats[i].name[t->db.len] = '.';
	memcpy(p->tstats[i].name + t->db.len + 1, t->table.p, t->table.len + 1);
	p->ntstats++;
	return &p->tstats[i];
}

static void
add_time(struct sbuf *b, uint32_t ts)
{
	time_t t = (time_t)ts;
	struct tm tm;
	char tmp[32];

	localtime_r(&t, &tm);
	snprintf(tmp, sizeof(tmp), "%02d%02d%02d %2d:%02d:%02d", tm.tm_year % 100,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	sbuf_adds(b, tmp);
}

/* "# at N" and the "#date server id ..." line up to the description. */
static void
text_header(struct printer *p, const struct binlog_decoder *d,
    const struct binlog_event *ev)
{
	const struct binlog_fde *f = binlog_decoder_fde(d);
	struct sbuf *b = &p->buf;

	sbuf_adds(b, "# at ");
	sbuf_u64(b, ev->offset);
	sbuf_adds(b, "\n#");
	add_time(b, ev->h.timestamp);
	sbuf_adds(b, " server id ");
	sbuf_u64(b, ev->h.server_id);
	sbuf_adds(b, "  end_log_pos ");
	sbuf_u64(b, ev->h.log_pos);
	if (!ev->inner && f != NULL && f->checksum_alg == BINLOG_CHECKSUM_CRC32 &&
	    ev->h.type != BINLOG_FORMAT_DESCRIPTION_EVENT)
		sbuf_printf(b, " CRC32 0x%08x", le32(ev->body + ev->body_len));
	sbuf_adds(b, " \t");
}

static bool
ensure_vals(struct printer *p, uint32_t n)
{
	if (n <= p->vcap)
		return true;
	free(p->before);
	free(p->after);
	p->before = calloc(n, sizeof(*p->before));
	p->after = calloc(n, sizeof(*p->after));
	if (p->before == NULL || p->after == NULL) {
		p->vcap = 0;
		return false;
	}
	p->vcap = n;
	return true;
}

/* "###   @N=value" lines of one image. */
static bool
text_image(struct printer *p, const struct binlog_table *t,
    const struct binlog_row *row, struct proto_err *err)
{
	struct sbuf *b = &p->buf;

	for (uint32_t i = 0; i < t->ncols; i++) {
		const struct binlog_value *v = &row->vals[i];
		if (v->kind == BV_ABSENT)
			continue;
		sbuf_adds(b, "###   @");
		sbuf_u64(b, i + 1);
		sbuf_addc(b, '=');
		if (v->kind == BV_NULL)
			sbuf_adds(b, "NULL");
		else if (v->kind == BV_JSON_DIFF) {
			char at[16];
			snprintf(at, sizeof(at), "@%u", i + 1);
			if (!jsonb_diff_to_text(b, at, v->bytes.p, v->bytes.len,
			    row->offset, err))
				return false;
		} else if (!value_print_binlog(b, &t->cols[i], v, err))
			return false;
		sbuf_addc(b, '\n');
	}
	return true;
}

/* {"@1": v, ...} of one image, absent columns left out. */
static bool
json_image(struct printer *p, const struct binlog_table *t,
    const struct binlog_row *row, struct proto_err *err)
{
	struct sbuf *b = &p->buf;
	bool first = true;

	sbuf_addc(b, '{');
	for (uint32_t i = 0; i < t->ncols; i++) {
		const struct binlog_value *v = &row->vals[i];
		if (v->kind == BV_ABSENT)
			continue;
		if (!first)
			sbuf_adds(b, ", ");
		first = false;
		sbuf_adds(b, "\"@");
		sbuf_u64(b, i + 1);
		sbuf_adds(b, "\": ");
		if (v->kind == BV_NULL)
			sbuf_adds(b, "null");
		else if (v->kind == BV_JSON_DIFF) {
			struct sbuf tmp = { 0 };
			char at[16];
			snprintf(at, sizeof(at), "@%u", i + 1);
			if (!jsonb_diff_to_text(&tmp, at, v->bytes.p, v->bytes.len,
			    row->offset, err)) {
				sbuf_free(&tmp);
				return false;
			}
			sbuf_adds(b, "{\"json_diff\": ");
			json_string(b, (const uint8_t *)tmp.p, tmp.len);
			sbuf_addc(b, '}');
			sbuf_free(&tmp);
		} else if (!value_print_json(b, &t->cols[i], v, err))
			return false;
	}
	sbuf_addc(b, '}');
	return true;
}

/* Decode (and print) every row of a rows event. */
static bool
rows_event(struct printer *p, const struct binlog_event *ev, struct proto_err *err)
{
	const struct binlog_rows_event *r = &ev->rows;
	const struct binlog_table *t = r->table;
	struct binlog_row before, after;
	struct print_tstat *ts = NULL;
	size_t pos = 0;
	uint64_t n = 0;
	int rc;
	const char *cmd;
	bool first = true;

	if (!ensure_vals(p, t->ncols)) {
		proto_fail(err, PROTO_NOMEM, ev->offset, "out of memory");
		return false;
	}
	before.vals = p->before;
	after.vals = p->after;
	switch (r->kind) {
	case BINLOG_ROWS_WRITE:
		cmd = "INSERT INTO";
		break;
	case BINLOG_ROWS_DELETE:
		cmd = "DELETE FROM";
		break;
	default:
		cmd = "UPDATE";
		break;
	}
	if (p->mode == PRINT_STATS && (ts = tstat_get(p, t)) != NULL)
		ts->events++;
	if (p->mode == PRINT_JSON)
		sbuf_adds(&p->buf, ", \"rows\": [");
	while ((rc = binlog_rows_next(r, &pos, &before, &after, err)) == 1) {
		n++;
		switch (p->mode) {
		case PRINT_STATS:
			break;
		case PRINT_TEXT:
			sbuf_adds(&p->buf, "### ");
			sbuf_adds(&p->buf, cmd);
			sbuf_addc(&p->buf, ' ');
			add_ident(&p->buf, t->db.p, t->db.len);
			sbuf_addc(&p->buf, '.');
			add_ident(&p->buf, t->table.p, t->table.len);
			sbuf_addc(&p->buf, '\n');
			if (r->kind == BINLOG_ROWS_WRITE) {
				sbuf_adds(&p->buf, "### SET\n");
				if (!text_image(p, t, &after, err))
					return false;
			} else {
				sbuf_adds(&p->buf, "### WHERE\n");
				if (!text_image(p, t, &before, err))
					return false;
				if (r->kind != BINLOG_ROWS_DELETE) {
					sbuf_adds(&p->buf, "### SET\n");
					if (!text_image(p, t, &after, err))
						return false;
				}
			}
			maybe_flush(p);
			break;
		case PRINT_JSON:
			if (!first)
				sbuf_adds(&p->buf, ", ");
			first = false;
			sbuf_addc(&p->buf, '{');
			if (r->kind != BINLOG_ROWS_WRITE) {
				sbuf_adds(&p->buf, "\"before\": ");
				if (!json_image(p, t, &before, err))
					return false;
			}
			if (r->kind != BINLOG_ROWS_DELETE) {
				if (r->kind != BINLOG_ROWS_WRITE)
					sbuf_adds(&p->buf, ", ");
				sbuf_adds(&p->buf, "\"after\": ");
				if (!json_image(p, t, &after, err))
					return false;
			}
			sbuf_addc(&p->buf, '}');
			maybe_flush(p);
			break;
		}
	}
	if (rc < 0)
		return false;
	if (p->mode == PRINT_JSON)
		sbuf_addc(&p->buf, ']');
	switch (r->kind) {
	case BINLOG_ROWS_WRITE:
		p->rows_ins += n;
		if (ts)
			ts->ins += n;
		break;
	case BINLOG_ROWS_DELETE:
		p->rows_del += n;
		if (ts)
			ts->del += n;
		break;
	default:
		p->rows_upd += n;
		if (ts)
			ts->upd += n;
		break;
	}
	p->stmt_rows += n;
	return true;
}

static void
text_str_lines(struct sbuf *b, const char *prefix, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		const char *nl = memchr(s + i, '\n', n - i);
		size_t e = nl ? (size_t)(nl - s) : n;
		sbuf_adds(b, prefix);
		sbuf_add(b, s + i, e - i);
		sbuf_addc(b, '\n');
		i = e + 1;
	}
}

static void
add_uuid(struct sbuf *b, const uint8_t sid[16])
{
	char u[37];

	gtid_uuid_format(sid, u);
	sbuf_adds(b, u);
}

/* The text description of one event, after text_header(). */
static bool
text_event(struct printer *p, struct binlog_decoder *d,
    const struct binlog_event *ev, struct proto_err *err)
{
	struct sbuf *b = &p->buf;
	const struct binlog_query *q;

	switch (ev->h.type) {
	case BINLOG_FORMAT_DESCRIPTION_EVENT:
		sbuf_printf(b, "Start: binlog v %u, server v %s created ",
		    ev->fde->binlog_version, ev->fde->server_version);
		add_time(b, ev->fde->create_timestamp ? ev->fde->create_timestamp :
		    ev->h.timestamp);
		sbuf_addc(b, '\n');
		break;
	case BINLOG_ROTATE_EVENT:
		sbuf_adds(b, "Rotate to ");
		sbuf_add(b, ev->rotate.file.p, ev->rotate.file.len);
		sbuf_adds(b, "  pos: ");
		sbuf_u64(b, ev->rotate.position);
		sbuf_addc(b, '\n');
		break;
	case BINLOG_QUERY_EVENT:
	case BINLOG_MARIA_QUERY_COMPRESSED_EVENT:
		q = &ev->query;
		sbuf_printf(b, "%s\tthread_id=%u\texec_time=%u\terror_code=%u\n",
		    ev->h.type == BINLOG_QUERY_EVENT ? "Query" : "Query_compressed",
		    q->thread_id, q->exec_time, q->error_code);
		if (q->db.len) {
			sbuf_adds(b, "use ");
			add_ident(b, q->db.p, q->db.len);
			sbuf_adds(b, "/*!*/;\n");
		}
		sbuf_printf(b, "SET TIMESTAMP=%u/*!*/;\n", ev->h.timestamp);
		if (q->has_sql_mode)
			sbuf_printf(b, "SET @@session.sql_mode=%" PRIu64 "/*!*/;\n",
			    q->sql_mode);
		if (q->has_charset)
			sbuf_printf(b, "SET @@session.character_set_client=%u,"
			    "@@session.collation_connection=%u,"
			    "@@session.collation_server=%u/*!*/;\n",
			    q->charset_client, q->collation_connection,
			    q->collation_server);
		if (q->has_time_zone) {
			sbuf_adds(b, "SET @@session.time_zone='");
			sbuf_add(b, q->time_zone.p, q->time_zone.len);
			sbuf_adds(b, "'/*!*/;\n");
		}
		if (q->unknown_status_code >= 0)
			sbuf_printf(b, "# unknown status variable %d: the rest not decoded\n",
			    q->unknown_status_code);
		sbuf_add(b, q->query.p, q->query.len);
		sbuf_adds(b, "\n/*!*/;\n");
		break;
	case BINLOG_XID_EVENT:
		sbuf_adds(b, "Xid = ");
		sbuf_u64(b, ev->xid.xid);
		sbuf_adds(b, "\nCOMMIT/*!*/;\n");
		break;
	case BINLOG_INTVAR_EVENT:
		sbuf_printf(b, "Intvar\nSET %s=%" PRIu64 "/*!*/;\n",
		    ev->intvar.type == 1 ? "LAST_INSERT_ID" : "INSERT_ID",
		    ev->intvar.value);
		break;
	case BINLOG_RAND_EVENT:
		sbuf_printf(b, "Rand\nSET @@RAND_SEED1=%" PRIu64 ", @@RAND_SEED2=%" PRIu64
		    "/*!*/;\n", ev->rand.seed1, ev->rand.seed2);
		break;
	case BINLOG_USER_VAR_EVENT:
		sbuf_adds(b, "User_var\nSET @");
		add_ident(b, ev->user_var.name.p, ev->user_var.name.len);
		if (ev->user_var.is_null)
			sbuf_adds(b, ":=NULL");
		else
			sbuf_printf(b, ":= /* type %u, %u bytes */", ev->user_var.type,
			    ev->user_var.value.len);
		sbuf_adds(b, "/*!*/;\n");
		break;
	case BINLOG_TABLE_MAP_EVENT:
		sbuf_adds(b, "Table_map: ");
		add_ident(b, ev->table_map->db.p, ev->table_map->db.len);
		sbuf_addc(b, '.');
		add_ident(b, ev->table_map->table.p, ev->table_map->table.len);
		sbuf_adds(b, " mapped to number ");
		sbuf_u64(b, ev->table_map->table_id);
		sbuf_addc(b, '\n');
		break;
	case BINLOG_ROWS_QUERY_EVENT:
	case BINLOG_MARIA_ANNOTATE_ROWS_EVENT:
		sbuf_adds(b, ev->h.type == BINLOG_ROWS_QUERY_EVENT ? "Rows_query\n" :
		    "Annotate_rows:\n");
		text_str_lines(b, "#Q> ", ev->rows_query.p, ev->rows_query.len);
		break;
	case BINLOG_MARIA_GTID_EVENT: {
		const struct binlog_maria_gtid *g = &ev->mgtid;
		sbuf_printf(b, "GTID %u-%u-%" PRIu64, g->domain_id, g->server_id, g->seq_no);
		if (g->flags & BINLOG_MARIA_FL_GROUP_COMMIT_ID)
			sbuf_printf(b, " cid=%" PRIu64, g->commit_id);
		if (g->flags & BINLOG_MARIA_FL_DDL)
			sbuf_adds(b, " ddl");
		if (!(g->flags & BINLOG_MARIA_FL_STANDALONE))
			sbuf_adds(b, " trans");
		if (g->has_thread_id)
			sbuf_printf(b, " thread_id=%u", g->thread_id);
		sbuf_printf(b, "\n/*M!100001 SET @@session.gtid_seq_no=%" PRIu64 "*//*!*/;\n",
		    g->seq_no);
		if (!(g->flags & BINLOG_MARIA_FL_STANDALONE))
			sbuf_adds(b, "START TRANSACTION\n/*!*/;\n");
		break;
	}
	case BINLOG_MARIA_GTID_LIST_EVENT: {
		const uint8_t *l = ev->gtid_list.list;
		sbuf_adds(b, "Gtid list [");
		for (uint32_t i = 0; i < ev->gtid_list.count; i++)
			sbuf_printf(b, "%s%u-%u-%" PRIu64, i ? ",\n# " : "",
			    le32(l + 16 * i), le32(l + 16 * i + 4), le64(l + 16 * i + 8));
		sbuf_adds(b, "]\n");
		break;
	}
	case BINLOG_MARIA_BINLOG_CHECKPOINT_EVENT:
		sbuf_adds(b, "Binlog checkpoint ");
		sbuf_add(b, ev->checkpoint_file.p, ev->checkpoint_file.len);
		sbuf_addc(b, '\n');
		break;
	case BINLOG_GTID_EVENT:
	case BINLOG_GTID_TAGGED_EVENT:
	case BINLOG_ANONYMOUS_GTID_EVENT: {
		const struct binlog_mysql_gtid *g = &ev->gtid;
		sbuf_adds(b, ev->h.type == BINLOG_ANONYMOUS_GTID_EVENT ?
		    "Anonymous_GTID" : "GTID");
		if (g->has_logical_ts)
			sbuf_printf(b, "\tlast_committed=%" PRId64 "\tsequence_number=%" PRId64,
			    g->last_committed, g->sequence_number);
		if (g->has_trx_length)
			sbuf_printf(b, "\ttransaction_length=%" PRIu64, g->transaction_length);
		sbuf_adds(b, "\n");
		if (ev->h.type != BINLOG_ANONYMOUS_GTID_EVENT) {
			sbuf_adds(b, "SET @@SESSION.GTID_NEXT= '");
			add_uuid(b, g->sid);
			if (g->tag.len > 0) {
				sbuf_addc(b, ':');
				sbuf_add(b, g->tag.p, g->tag.len);
			}
			sbuf_printf(b, ":%" PRId64 "'/*!*/;\n", g->gno);
		} else
			sbuf_adds(b, "SET @@SESSION.GTID_NEXT= 'ANONYMOUS'/*!*/;\n");
		break;
	}
	case BINLOG_PREVIOUS_GTIDS_EVENT: {
		struct gtid_mysql_set s;
		gtid_mysql_init(&s);
		if (!gtid_mysql_decode(&s, ev->previous_gtids.data, ev->previous_gtids.len,
		    ev->offset + BINLOG_HEADER_LEN, err)) {
			gtid_mysql_free(&s);
			return false;
		}
		sbuf_adds(b, "Previous-GTIDs\n# ");
		if (s.n == 0)
			sbuf_adds(b, "[empty]"); /* as mysqlbinlog prints it */
		else
			gtid_mysql_print(&s, b);
		sbuf_addc(b, '\n');
		gtid_mysql_free(&s);
		break;
	}
	case BINLOG_XA_PREPARE_EVENT:
		sbuf_printf(b, "XA PREPARE (format %d, gtrid %u bytes, bqual %u bytes)%s\n",
		    ev->xa_prepare.format_id, ev->xa_prepare.gtrid_len,
		    ev->xa_prepare.bqual_len, ev->xa_prepare.one_phase ? " ONE PHASE" : "");
		break;
	case BINLOG_INCIDENT_EVENT:
		sbuf_printf(b, "Incident: %u ", ev->incident.type);
		sbuf_add(b, ev->incident.message.p, ev->incident.message.len);
		sbuf_addc(b, '\n');
		break;
	case BINLOG_HEARTBEAT_EVENT:
	case BINLOG_HEARTBEAT_EVENT_V2:
		sbuf_adds(b, "Heartbeat ");
		sbuf_add(b, ev->heartbeat.log_file.p, ev->heartbeat.log_file.len);
		sbuf_printf(b, " pos %" PRIu64 "\n", ev->heartbeat.log_pos);
		break;
	case BINLOG_TRANSACTION_PAYLOAD_EVENT:
		sbuf_printf(b, "Transaction_Payload\tpayload_size=%" PRIu64
		    "\tcompression_type=%s\tuncompressed_size=%" PRIu64 "\n",
		    ev->payload.payload_size,
		    ev->payload.compression_type == 0 ? "ZSTD" : "NONE",
		    ev->payload.uncompressed_size);
		break;
	case BINLOG_STOP_EVENT:
		sbuf_adds(b, "Stop\n");
		break;
	default:
		if (binlog_type_known(ev->h.type) && !binlog_type_is_rows(ev->h.type)) {
			sbuf_adds(b, binlog_type_name(ev->h.type));
			sbuf_addc(b, '\n');
			break;
		}
		if (!binlog_type_known(ev->h.type)) {
			sbuf_printf(b, "Ignorable event type %u skipped\n", ev->h.type);
			break;
		}
		/* rows events */
		sbuf_printf(b, "%s: table id %" PRIu64 "%s\n",
		    binlog_type_name(ev->h.type), ev->rows.table_id,
		    ev->rows.flags & BINLOG_ROWS_F_STMT_END ? " flags: STMT_END_F" : "");
		if (table_selected(p, ev->rows.table) && !rows_event(p, ev, err))
			return false;
		if (ev->rows.flags & BINLOG_ROWS_F_STMT_END) {
			sbuf_printf(b, "# Number of rows: %" PRIu64 "\n", p->stmt_rows);
			p->stmt_rows = 0;
		}
		break;
	}
	(void)d;
	return true;
}

static void
json_str(struct sbuf *b, const char *key, const char *s, size_t n)
{
	sbuf_printf(b, ", \"%s\": ", key);
	json_string(b, (const uint8_t *)s, n);
}

/* One JSON object per event (rows inline). */
static bool
json_event(struct printer *p, const struct binlog_event *ev, struct proto_err *err)
{
	struct sbuf *b = &p->buf;

	sbuf_adds(b, "{\"pos\": ");
	sbuf_u64(b, ev->offset);
	sbuf_adds(b, ", \"end_pos\": ");
	sbuf_u64(b, ev->h.log_pos);
	sbuf_printf(b, ", \"type\": \"%s\", \"type_code\": %u, \"server_id\": %u, "
	    "\"timestamp\": %u", binlog_type_name(ev->h.type), ev->h.type,
	    ev->h.server_id, ev->h.timestamp);
	if (ev->inner)
		sbuf_adds(b, ", \"in_payload\": true");
	switch (ev->h.type) {
	case BINLOG_FORMAT_DESCRIPTION_EVENT:
		json_str(b, "server_version", ev->fde->server_version,
		    strlen(ev->fde->server_version));
		sbuf_printf(b, ", \"binlog_version\": %u, \"checksum\": \"%s\"",
		    ev->fde->binlog_version,
		    ev->fde->checksum_alg == BINLOG_CHECKSUM_CRC32 ? "CRC32" : "NONE");
		break;
	case BINLOG_ROTATE_EVENT:
		json_str(b, "file", ev->rotate.file.p, ev->rotate.file.len);
		sbuf_printf(b, ", \"position\": %" PRIu64, ev->rotate.position);
		break;
	case BINLOG_QUERY_EVENT:
	case BINLOG_MARIA_QUERY_COMPRESSED_EVENT:
		json_str(b, "db", ev->query.db.p, ev->query.db.len);
		json_str(b, "query", ev->query.query.p, ev->query.query.len);
		sbuf_printf(b, ", \"thread_id\": %u, \"error_code\": %u",
		    ev->query.thread_id, ev->query.error_code);
		if (ev->query.has_sql_mode)
			sbuf_printf(b, ", \"sql_mode\": %" PRIu64, ev->query.sql_mode);
		if (ev->query.has_charset)
			sbuf_printf(b, ", \"charset_client\": %u, \"collation_connection\": %u,"
			    " \"collation_server\": %u", ev->query.charset_client,
			    ev->query.collation_connection, ev->query.collation_server);
		if (ev->query.has_time_zone)
			json_str(b, "time_zone", ev->query.time_zone.p,
			    ev->query.time_zone.len);
		break;
	case BINLOG_XID_EVENT:
		sbuf_printf(b, ", \"xid\": %" PRIu64, ev->xid.xid);
		break;
	case BINLOG_TABLE_MAP_EVENT:
		json_str(b, "db", ev->table_map->db.p, ev->table_map->db.len);
		json_str(b, "table", ev->table_map->table.p, ev->table_map->table.len);
		sbuf_printf(b, ", \"table_id\": %" PRIu64 ", \"columns\": [",
		    ev->table_map->table_id);
		for (uint32_t i = 0; i < ev->table_map->ncols; i++) {
			const struct binlog_col *c = &ev->table_map->cols[i];
			sbuf_printf(b, "%s{\"type\": %u, \"meta\": %u, \"nullable\": %s",
			    i ? ", " : "", c->type, c->meta, c->nullable ? "true" : "false");
			if (c->name.len)
				json_str(b, "name", c->name.p, c->name.len);
			if (c->is_unsigned >= 0)
				sbuf_printf(b, ", \"unsigned\": %s",
				    c->is_unsigned ? "true" : "false");
			sbuf_addc(b, '}');
		}
		sbuf_addc(b, ']');
		break;
	case BINLOG_ROWS_QUERY_EVENT:
	case BINLOG_MARIA_ANNOTATE_ROWS_EVENT:
		json_str(b, "query", ev->rows_query.p, ev->rows_query.len);
		break;
	case BINLOG_MARIA_GTID_EVENT:
		sbuf_printf(b, ", \"gtid\": \"%u-%u-%" PRIu64 "\", \"flags\": %u",
		    ev->mgtid.domain_id, ev->mgtid.server_id, ev->mgtid.seq_no,
		    ev->mgtid.flags);
		if (ev->mgtid.flags & BINLOG_MARIA_FL_GROUP_COMMIT_ID)
			sbuf_printf(b, ", \"commit_id\": %" PRIu64, ev->mgtid.commit_id);
		if (ev->mgtid.has_thread_id)
			sbuf_printf(b, ", \"thread_id\": %u", ev->mgtid.thread_id);
		break;
	case BINLOG_GTID_EVENT:
	case BINLOG_GTID_TAGGED_EVENT:
	case BINLOG_ANONYMOUS_GTID_EVENT: {
		char u[37];
		gtid_uuid_format(ev->gtid.sid, u);
		sbuf_printf(b, ", \"gtid\": \"%s%s%.*s:%" PRId64 "\"", u,
		    ev->gtid.tag.len ? ":" : "", (int)ev->gtid.tag.len,
		    ev->gtid.tag.p ? ev->gtid.tag.p : "", ev->gtid.gno);
		if (ev->gtid.has_logical_ts)
			sbuf_printf(b, ", \"last_committed\": %" PRId64
			    ", \"sequence_number\": %" PRId64, ev->gtid.last_committed,
			    ev->gtid.sequence_number);
		if (ev->gtid.has_commit_ts)
			sbuf_printf(b, ", \"immediate_commit_ts\": %" PRIu64
			    ", \"original_commit_ts\": %" PRIu64,
			    ev->gtid.immediate_commit_ts, ev->gtid.original_commit_ts);
		if (ev->gtid.has_trx_length)
			sbuf_printf(b, ", \"transaction_length\": %" PRIu64,
			    ev->gtid.transaction_length);
		break;
	}
	case BINLOG_MARIA_BINLOG_CHECKPOINT_EVENT:
		json_str(b, "file", ev->checkpoint_file.p, ev->checkpoint_file.len);
		break;
	case BINLOG_MARIA_GTID_LIST_EVENT: {
		const uint8_t *l = ev->gtid_list.list;
		sbuf_adds(b, ", \"gtid_list\": [");
		for (uint32_t i = 0; i < ev->gtid_list.count; i++)
			sbuf_printf(b, "%s\"%u-%u-%" PRIu64 "\"", i ? ", " : "",
			    le32(l + 16 * i), le32(l + 16 * i + 4), le64(l + 16 * i + 8));
		sbuf_addc(b, ']');
		break;
	}
	default:
		break;
	}
	if (binlog_type_is_rows(ev->h.type)) {
		json_str(b, "db", ev->rows.table->db.p, ev->rows.table->db.len);
		json_str(b, "table", ev->rows.table->table.p, ev->rows.table->table.len);
		sbuf_printf(b, ", \"table_id\": %" PRIu64 ", \"flags\": %u",
		    ev->rows.table_id, ev->rows.flags);
		if (!rows_event(p, ev, err))
			return false;
	}
	sbuf_adds(b, "}\n");
	return true;
}

/* Whether filters keep this event. */
static bool
selected(const struct printer *p, const struct binlog_event *ev)
{
	if (p->db_filter == NULL && p->table_filter == NULL)
		return true;
	if (binlog_type_is_rows(ev->h.type))
		return table_selected(p, ev->rows.table);
	if (ev->h.type == BINLOG_TABLE_MAP_EVENT)
		return table_selected(p, ev->table_map);
	if (ev->h.type == BINLOG_QUERY_EVENT ||
	    ev->h.type == BINLOG_MARIA_QUERY_COMPRESSED_EVENT)
		return query_selected(p, &ev->query);
	return true;
}

static bool
one_event(struct printer *p, struct binlog_decoder *d,
    const struct binlog_event *ev, struct proto_err *err)
{
	if (!selected(p, ev))
		return true;
	p->type_count[ev->h.type]++;
	p->type_bytes[ev->h.type] += ev->h.event_size;
	p->events++;
	if (!binlog_type_known(ev->h.type))
		p->ignored++;
	switch (p->mode) {
	case PRINT_STATS:
		if (binlog_type_is_rows(ev->h.type))
			return rows_event(p, ev, err);
		return true;
	case PRINT_JSON:
		if (!json_event(p, ev, err))
			return false;
		break;
	case PRINT_TEXT:
		text_header(p, d, ev);
		if (!text_event(p, d, ev, err))
			return false;
		break;
	}
	maybe_flush(p);
	return true;
}

bool
printer_event(struct printer *p, struct binlog_decoder *d,
    const struct binlog_event *ev, struct proto_err *err)
{
	struct binlog_payload_iter *it;
	struct binlog_event inner;
	int rc;

	if (!one_event(p, d, ev, err))
		return false;
	if (ev->h.type != BINLOG_TRANSACTION_PAYLOAD_EVENT)
		return true;
	if ((it = binlog_payload_open(d, ev, err)) == NULL)
		return false;
	while ((rc = binlog_payload_next(it, &inner, err)) == 1)
		if (!one_event(p, d, &inner, err))
			break;
	binlog_payload_close(it);
	return rc == 0;
}

void
printer_stats(struct printer *p, double seconds, unsigned nfiles)
{
	FILE *o = p->out;


	(void)printer_flush(p);
	fprintf(o, "files: %u  events: %" PRIu64 "  bytes: %" PRIu64
	    "  time: %.3f s  rate: %.1f MB/s\n", nfiles, p->events, p->bytes,
	    seconds, seconds > 0 ? (double)p->bytes / 1e6 / seconds : 0.0);
	fprintf(o, "rows: inserted %" PRIu64 "  updated %" PRIu64 "  deleted %" PRIu64 "\n",
	    p->rows_ins, p->rows_upd, p->rows_del);
	fprintf(o, "%-28s %12s %14s\n", "event type", "count", "bytes");
	for (int t = 0; t < 256; t++)
		if (p->type_count[t])
			fprintf(o, "%-28s %12" PRIu64 " %14" PRIu64 "\n",
			    binlog_type_name((uint8_t)t), p->type_count[t],
			    p->type_bytes[t]);
	if (p->ntstats) {
		fprintf(o, "%-40s %10s %10s %10s %10s\n", "table", "events",
		    "inserted", "updated", "deleted");
		for (size_t i = 0; i < p->ntstats; i++)
			fprintf(o, "%-40s %10" PRIu64 " %10" PRIu64 " %10" PRIu64
			    " %10" PRIu64 "\n", p->tstats[i].name, p->tstats[i].events,
			    p->tstats[i].ins, p->tstats[i].upd, p->tstats[i].del);
	}
	if (p->ignored)
		fprintf(o, "ignorable events of unknown types skipped: %" PRIu64 "\n",
		    p->ignored);
}

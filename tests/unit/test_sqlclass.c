/* test_sqlclass.c: statement kinds, named objects, lexing corners, and DDL renaming. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/filter.h"
#include "src/sqlclass.h"
#include "src/sqlvendor.h"
#include "tests/unit/t.h"

/* Flags of a classify case. */
#define TMP 1u /* temporary */
#define IFE 2u /* if_exists */
#define INE 4u /* if_not_exists */
#define TRN 8u /* truncated */

/* refs as "t:db.name" (table) or "o:db.name" (other), space-separated. */
static void
refs_text(const struct sql_info *in, char *out, size_t len)
{
	size_t o = 0;
	unsigned i;

	out[0] = '\0';
	for (i = 0; i < in->nrefs && o < len; i++)
		o += (size_t)snprintf(out + o, len - o, "%s%s:%s.%s",
		    i ? " " : "", in->refs[i].is_table ? "t" : "o",
		    in->refs[i].db, in->refs[i].name);
}

static const struct {
	const char *sql, *db;
	enum sql_kind kind;
	enum sql_object object;
	const char *verb;
	unsigned flags;
	const char *refs;
} cls[] = {
	/* empty */
	{ "", "d", SQL_EMPTY, SQLO_NONE, "", 0, "" },
	{ "  \n\t", "d", SQL_EMPTY, SQLO_NONE, "", 0, "" },
	{ "/* x */ -- y\n# z\n", "d", SQL_EMPTY, SQLO_NONE, "", 0, "" },
	{ ";", "d", SQL_EMPTY, SQLO_NONE, "", 0, "" },
	{ "/*!*/", "d", SQL_EMPTY, SQLO_NONE, "", 0, "" },

	/* transaction control */
	{ "BEGIN", "d", SQL_BEGIN, SQLO_NONE, "BEGIN", 0, "" },
	{ "begin work;", "d", SQL_BEGIN, SQLO_NONE, "BEGIN", 0, "" },
	{ "BEGIN NOT ATOMIC SELECT 1; END", "d", SQL_OTHER, SQLO_NONE,
	    "BEGIN", 0, "" },
	{ "START TRANSACTION", "d", SQL_BEGIN, SQLO_NONE, "START TRANSACTION",
	    0, "" },
	{ "start transaction read only", "d", SQL_BEGIN, SQLO_NONE,
	    "START TRANSACTION", 0, "" },
	{ "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ WRITE", "d",
	    SQL_BEGIN, SQLO_NONE, "START TRANSACTION", 0, "" },
	{ "START SLAVE", "d", SQL_OTHER, SQLO_NONE, "START", 0, "" },
	{ "COMMIT", "d", SQL_COMMIT, SQLO_NONE, "COMMIT", 0, "" },
	{ "commit work", "d", SQL_COMMIT, SQLO_NONE, "COMMIT", 0, "" },
	{ "COMMIT AND NO CHAIN NO RELEASE", "d", SQL_COMMIT, SQLO_NONE,
	    "COMMIT", 0, "" },
	{ "COMMIT /* xid */ ;", "d", SQL_COMMIT, SQLO_NONE, "COMMIT", 0, "" },
	{ "COMMIT foo", "d", SQL_OTHER, SQLO_NONE, "COMMIT", 0, "" },
	{ "ROLLBACK", "d", SQL_ROLLBACK, SQLO_NONE, "ROLLBACK", 0, "" },
	{ "ROLLBACK WORK", "d", SQL_ROLLBACK, SQLO_NONE, "ROLLBACK", 0, "" },
	{ "ROLLBACK TO SAVEPOINT sp1", "d", SQL_SAVEPOINT, SQLO_NONE,
	    "ROLLBACK TO", 0, "" },
	{ "ROLLBACK WORK TO `sp 1`", "d", SQL_SAVEPOINT, SQLO_NONE,
	    "ROLLBACK TO", 0, "" },
	{ "rollback to sp", "d", SQL_SAVEPOINT, SQLO_NONE, "ROLLBACK TO", 0,
	    "" },
	{ "SAVEPOINT `sp`", "d", SQL_SAVEPOINT, SQLO_NONE, "SAVEPOINT", 0,
	    "" },
	{ "RELEASE SAVEPOINT sp", "d", SQL_SAVEPOINT, SQLO_NONE,
	    "RELEASE SAVEPOINT", 0, "" },
	{ "SAVEPOINT a b", "d", SQL_OTHER, SQLO_NONE, "SAVEPOINT", 0, "" },
	{ "XA START 'x'", "d", SQL_XA, SQLO_NONE, "XA START", 0, "" },
	{ "XA BEGIN 'x', 'y', 1", "d", SQL_XA, SQLO_NONE, "XA START", 0, "" },
	{ "XA END X'31'", "d", SQL_XA, SQLO_NONE, "XA END", 0, "" },
	{ "XA PREPARE 'x'", "d", SQL_XA, SQLO_NONE, "XA PREPARE", 0, "" },
	{ "XA COMMIT 'x' ONE PHASE", "d", SQL_XA, SQLO_NONE, "XA COMMIT", 0,
	    "" },
	{ "xa rollback 'x'", "d", SQL_XA, SQLO_NONE, "XA ROLLBACK", 0, "" },
	{ "XA FOO", "d", SQL_OTHER, SQLO_NONE, "XA", 0, "" },

	/* CREATE TABLE */
	{ "CREATE TABLE t (a INT)", "shop", SQL_DDL, SQLO_TABLE, "CREATE", 0,
	    "t:shop.t" },
	{ "CREATE TABLE t (a INT)", "", SQL_DDL, SQLO_TABLE, "CREATE", 0,
	    "t:.t" },
	{ "create or replace temporary table if not exists `db`.`t` (a int)",
	    "d", SQL_DDL, SQLO_TABLE, "CREATE", TMP | INE, "t:db.t" },
	{ "CREATE TABLE t2 LIKE shop.t1", "d", SQL_DDL, SQLO_TABLE, "CREATE",
	    0, "t:d.t2 t:shop.t1" },
	{ "CREATE TABLE t2 (LIKE t1)", "d", SQL_DDL, SQLO_TABLE, "CREATE", 0,
	    "t:d.t2 t:d.t1" },
	{ "CREATE TABLE t (a INT) SELECT * FROM x", "d", SQL_DDL, SQLO_TABLE,
	    "CREATE", 0, "t:d.t" },
	{ "CREATE TABLE `t` (`a` int) START TRANSACTION", "d", SQL_DDL,
	    SQLO_TABLE, "CREATE", 0, "t:d.t" },
	{ "CREATE TABLE c (id INT, p INT, FOREIGN KEY (p) REFERENCES par (id) "
	    "ON DELETE CASCADE ON UPDATE SET NULL, ts TIMESTAMP DEFAULT "
	    "CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP)", "d", SQL_DDL,
	    SQLO_TABLE, "CREATE", 0, "t:d.c" },
	{ "CREATE TABLE `a``b` (x INT)", "d", SQL_DDL, SQLO_TABLE, "CREATE", 0,
	    "t:d.a`b" },
	{ "CREATE TABLE shop.1t (x INT)", "d", SQL_DDL, SQLO_TABLE, "CREATE",
	    0, "t:shop.1t" },
	{ "CREATE TABLE shop.123 (x INT)", "d", SQL_DDL, SQLO_TABLE, "CREATE",
	    0, "t:shop.123" },
	{ "CREATE TABLE caf\xc3\xa9.t (x INT)", "d", SQL_DDL, SQLO_TABLE,
	    "CREATE", 0, "t:caf\xc3\xa9.t" },
	{ "CREATE TABLE \"t\" (x INT)", "d", SQL_OTHER, SQLO_NONE, "CREATE", 0,
	    "" },
	{ "CREATE TABLE t (a INT); DROP TABLE u", "d", SQL_OTHER, SQLO_NONE,
	    "CREATE", 0, "" },
	{ "CREATE TABLE t (a INT);;", "d", SQL_DDL, SQLO_TABLE, "CREATE", 0,
	    "t:d.t" },
	{ "CREATE TABLE t (a INT", "d", SQL_OTHER, SQLO_NONE, "CREATE", 0, "" },
	{ "CREATE TABLE t (a INT))", "d", SQL_OTHER, SQLO_NONE, "CREATE", 0,
	    "" },

	/* views, routines, triggers, events, indexes, databases, sequences */
	{ "CREATE OR REPLACE ALGORITHM=MERGE DEFINER=`root`@`localhost` SQL "
	    "SECURITY INVOKER VIEW v AS SELECT 1", "d", SQL_DDL, SQLO_VIEW,
	    "CREATE", 0, "t:d.v" },
	{ "CREATE DEFINER='u'@'%' VIEW shop.v (a) AS SELECT 1", "d", SQL_DDL,
	    SQLO_VIEW, "CREATE", 0, "t:shop.v" },
	{ "CREATE DEFINER=CURRENT_USER() VIEW v AS SELECT 1", "d", SQL_DDL,
	    SQLO_VIEW, "CREATE", 0, "t:d.v" },
	{ "CREATE DEFINER=root@localhost VIEW v AS SELECT 1 WITH CASCADED "
	    "CHECK OPTION", "d", SQL_DDL, SQLO_VIEW, "CREATE", 0, "t:d.v" },
	{ "CREATE DEFINER = 'u' @ 'h' VIEW v AS SELECT 1", "d", SQL_DDL,
	    SQLO_VIEW, "CREATE", 0, "t:d.v" },
	{ "CREATE DEFINER=`root`@`localhost` FUNCTION `f`(a INT) RETURNS int "
	    "DETERMINISTIC RETURN a + 1", "d", SQL_DDL, SQLO_FUNCTION,
	    "CREATE", 0, "o:d.f" },
	{ "CREATE AGGREGATE FUNCTION f RETURNS STRING SONAME 'udf.so'", "d",
	    SQL_DDL, SQLO_FUNCTION, "CREATE", 0, "o:d.f" },
	{ "CREATE PROCEDURE IF NOT EXISTS shop.p(IN a INT)\nBEGIN\n  SELECT 1;"
	    "\n  UPDATE t SET x = a;\nEND", "d", SQL_DDL, SQLO_PROCEDURE,
	    "CREATE", INE, "o:shop.p" },
	{ "CREATE PROCEDURE p() BEGIN DROP TABLE IF EXISTS t; CREATE TABLE IF "
	    "NOT EXISTS u (a INT); DROP DATABASE IF EXISTS x; END", "d",
	    SQL_DDL, SQLO_PROCEDURE, "CREATE", 0, "o:d.p" },
	{ "CREATE DEFINER=`root`@`%` TRIGGER tr BEFORE INSERT ON t FOR EACH "
	    "ROW SET NEW.a = 1", "shop", SQL_DDL, SQLO_TRIGGER, "CREATE", 0,
	    "o:shop.tr t:shop.t" },
	{ "CREATE TRIGGER shop.tr AFTER UPDATE ON shop.t FOR EACH ROW "
	    "FOLLOWS tr0 BEGIN INSERT INTO log VALUES (OLD.id); END", "d",
	    SQL_DDL, SQLO_TRIGGER, "CREATE", 0, "o:shop.tr t:shop.t" },
	{ "CREATE TRIGGER tr BEFORE TRUNCATE ON t FOR EACH ROW SET @a = 1",
	    "d", SQL_OTHER, SQLO_NONE, "CREATE", 0, "" },
	{ "CREATE EVENT IF NOT EXISTS e ON SCHEDULE AT CURRENT_TIMESTAMP + "
	    "INTERVAL 1 HOUR DO UPDATE t SET a = 1", "d", SQL_DDL, SQLO_EVENT,
	    "CREATE", INE, "o:d.e" },
	{ "CREATE UNIQUE INDEX IF NOT EXISTS i ON t (a)", "d", SQL_DDL,
	    SQLO_INDEX, "CREATE", INE, "t:d.t" },
	{ "CREATE FULLTEXT INDEX i ON shop.t(b)", "d", SQL_DDL, SQLO_INDEX,
	    "CREATE", 0, "t:shop.t" },
	{ "CREATE SPATIAL INDEX i ON t (g)", "d", SQL_DDL, SQLO_INDEX, "CREATE",
	    0, "t:d.t" },
	{ "CREATE INDEX i USING BTREE ON t (a) ALGORITHM=INPLACE LOCK=NONE",
	    "d", SQL_DDL, SQLO_INDEX, "CREATE", 0, "t:d.t" },
	{ "CREATE DATABASE IF NOT EXISTS shop CHARACTER SET utf8mb4", "d",
	    SQL_DDL, SQLO_DATABASE, "CREATE", INE, "o:shop.shop" },
	{ "create schema `x`", "d", SQL_DDL, SQLO_DATABASE, "CREATE", 0,
	    "o:x.x" },
	{ "CREATE SEQUENCE s START WITH 1 INCREMENT BY 1", "d", SQL_DDL,
	    SQLO_SEQUENCE, "CREATE", 0, "t:d.s" },
	{ "CREATE TEMPORARY SEQUENCE IF NOT EXISTS shop.s", "d", SQL_DDL,
	    SQLO_SEQUENCE, "CREATE", TMP | INE, "t:shop.s" },
	{ "CREATE TABLESPACE ts ADD DATAFILE 'ts.ibd'", "d", SQL_DDL,
	    SQLO_OTHER, "CREATE", 0, "" },
	{ "CREATE SERVER s FOREIGN DATA WRAPPER mysql OPTIONS (HOST 'h')", "d",
	    SQL_DDL, SQLO_OTHER, "CREATE", 0, "" },
	{ "CREATE WIDGET w", "d", SQL_OTHER, SQLO_NONE, "CREATE", 0, "" },

	/* ALTER */
	{ "ALTER TABLE shop.orders ADD c INT", "d", SQL_DDL, SQLO_TABLE,
	    "ALTER", 0, "t:shop.orders" },
	{ "ALTER ONLINE IGNORE TABLE t ADD c INT", "d", SQL_DDL, SQLO_TABLE,
	    "ALTER", 0, "t:d.t" },
	{ "ALTER TABLE IF EXISTS t ADD COLUMN IF NOT EXISTS c INT", "d",
	    SQL_DDL, SQLO_TABLE, "ALTER", IFE, "t:d.t" },
	{ "ALTER TABLE t RENAME TO shop.t2", "d", SQL_DDL, SQLO_TABLE, "ALTER",
	    0, "t:d.t t:shop.t2" },
	{ "ALTER TABLE t RENAME t3, ADD c INT", "d", SQL_DDL, SQLO_TABLE,
	    "ALTER", 0, "t:d.t t:d.t3" },
	{ "ALTER TABLE t RENAME AS t3", "d", SQL_DDL, SQLO_TABLE, "ALTER", 0,
	    "t:d.t t:d.t3" },
	{ "ALTER TABLE t RENAME COLUMN a TO b, RENAME INDEX i TO j, RENAME KEY "
	    "k TO l", "d", SQL_DDL, SQLO_TABLE, "ALTER", 0, "t:d.t" },
	{ "ALTER TABLE p EXCHANGE PARTITION p0 WITH TABLE shop.x", "d",
	    SQL_DDL, SQLO_TABLE, "ALTER", 0, "t:d.p t:shop.x" },
	{ "ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES u (id)",
	    "d", SQL_DDL, SQLO_TABLE, "ALTER", 0, "t:d.t" },
	{ "ALTER DATABASE shop CHARACTER SET utf8mb4", "d", SQL_DDL,
	    SQLO_DATABASE, "ALTER", 0, "o:shop.shop" },
	{ "ALTER SCHEMA DEFAULT CHARACTER SET latin1", "d", SQL_DDL,
	    SQLO_DATABASE, "ALTER", 0, "o:d.d" },
	{ "ALTER ALGORITHM=MERGE DEFINER=x VIEW v AS SELECT 1", "d", SQL_DDL,
	    SQLO_VIEW, "ALTER", 0, "t:d.v" },
	{ "ALTER EVENT e RENAME TO shop.e2 ENABLE", "d", SQL_DDL, SQLO_EVENT,
	    "ALTER", 0, "o:d.e o:shop.e2" },
	{ "ALTER FUNCTION f COMMENT 'x'", "d", SQL_DDL, SQLO_FUNCTION, "ALTER",
	    0, "o:d.f" },
	{ "ALTER PROCEDURE shop.p SQL SECURITY INVOKER", "d", SQL_DDL,
	    SQLO_PROCEDURE, "ALTER", 0, "o:shop.p" },
	{ "ALTER SEQUENCE IF EXISTS s RESTART WITH 10", "d", SQL_DDL,
	    SQLO_SEQUENCE, "ALTER", IFE, "t:d.s" },

	/* DROP */
	{ "DROP TEMPORARY TABLE IF EXISTS a, shop.b", "d", SQL_DDL,
	    SQLO_TABLE, "DROP", TMP | IFE, "t:d.a t:shop.b" },
	{ "DROP TABLE IF EXISTS `t` /* generated by server */", "d", SQL_DDL,
	    SQLO_TABLE, "DROP", IFE, "t:d.t" },
	{ "DROP TABLE t1, t2 RESTRICT", "d", SQL_DDL, SQLO_TABLE, "DROP", 0,
	    "t:d.t1 t:d.t2" },
	{ "DROP TABLE t NOWAIT", "d", SQL_DDL, SQLO_TABLE, "DROP", 0, "t:d.t" },
	{ "DROP VIEW IF EXISTS v1, shop.v2", "d", SQL_DDL, SQLO_VIEW, "DROP",
	    IFE, "t:d.v1 t:shop.v2" },
	{ "DROP FUNCTION IF EXISTS shop.f", "d", SQL_DDL, SQLO_FUNCTION, "DROP",
	    IFE, "o:shop.f" },
	{ "DROP PROCEDURE p", "d", SQL_DDL, SQLO_PROCEDURE, "DROP", 0,
	    "o:d.p" },
	{ "DROP TRIGGER IF EXISTS shop.tr", "d", SQL_DDL, SQLO_TRIGGER, "DROP",
	    IFE, "o:shop.tr" },
	{ "DROP EVENT e", "d", SQL_DDL, SQLO_EVENT, "DROP", 0, "o:d.e" },
	{ "DROP INDEX i ON t", "d", SQL_DDL, SQLO_INDEX, "DROP", 0, "t:d.t" },
	{ "DROP INDEX `PRIMARY` ON shop.t ALGORITHM=INPLACE LOCK=NONE", "d",
	    SQL_DDL, SQLO_INDEX, "DROP", 0, "t:shop.t" },
	{ "DROP INDEX IF EXISTS i ON t", "d", SQL_DDL, SQLO_INDEX, "DROP", IFE,
	    "t:d.t" },
	{ "DROP DATABASE shop", "d", SQL_DDL, SQLO_DATABASE, "DROP", 0,
	    "o:shop.shop" },
	{ "DROP SCHEMA IF EXISTS `shop`", "d", SQL_DDL, SQLO_DATABASE, "DROP",
	    IFE, "o:shop.shop" },
	{ "DROP SEQUENCE IF EXISTS s1, s2", "d", SQL_DDL, SQLO_SEQUENCE,
	    "DROP", IFE, "t:d.s1 t:d.s2" },
	{ "DROP TABLE t u", "d", SQL_OTHER, SQLO_NONE, "DROP", 0, "" },
	{ "DROP PREPARE s", "d", SQL_OTHER, SQLO_NONE, "DROP", 0, "" },
	{ "DROP TABLE t1,t2,t3,t4,t5,t6,t7,t8,t9,t10,t11,t12,t13,t14,t15,t16,"
	    "t17", "d", SQL_DDL, SQLO_TABLE, "DROP", TRN,
	    "t:d.t1 t:d.t2 t:d.t3 t:d.t4 t:d.t5 t:d.t6 t:d.t7 t:d.t8 t:d.t9 "
	    "t:d.t10 t:d.t11 t:d.t12 t:d.t13 t:d.t14 t:d.t15 t:d.t16" },

	/* RENAME, TRUNCATE */
	{ "RENAME TABLE a TO b, shop.c TO shop.d", "d", SQL_DDL, SQLO_TABLE,
	    "RENAME", 0, "t:d.a t:d.b t:shop.c t:shop.d" },
	{ "RENAME TABLE a TO b foo", "d", SQL_OTHER, SQLO_NONE, "RENAME", 0,
	    "" },
	{ "RENAME TABLE a b", "d", SQL_OTHER, SQLO_NONE, "RENAME", 0, "" },
	{ "TRUNCATE t", "d", SQL_DDL, SQLO_TABLE, "TRUNCATE", 0, "t:d.t" },
	{ "TRUNCATE TABLE shop.t", "d", SQL_DDL, SQLO_TABLE, "TRUNCATE", 0,
	    "t:shop.t" },

	/* accounts */
	{ "CREATE USER 'u'@'%' IDENTIFIED BY 'x'", "d", SQL_ACCOUNT, SQLO_NONE,
	    "CREATE", 0, "" },
	{ "CREATE OR REPLACE USER u", "d", SQL_ACCOUNT, SQLO_NONE, "CREATE", 0,
	    "" },
	{ "CREATE ROLE r", "d", SQL_ACCOUNT, SQLO_NONE, "CREATE", 0, "" },
	{ "ALTER USER u ACCOUNT LOCK", "d", SQL_ACCOUNT, SQLO_NONE, "ALTER", 0,
	    "" },
	{ "DROP USER IF EXISTS u", "d", SQL_ACCOUNT, SQLO_NONE, "DROP", 0, "" },
	{ "DROP ROLE r", "d", SQL_ACCOUNT, SQLO_NONE, "DROP", 0, "" },
	{ "RENAME USER a TO b", "d", SQL_ACCOUNT, SQLO_NONE, "RENAME", 0, "" },
	{ "GRANT SELECT ON *.* TO u", "d", SQL_ACCOUNT, SQLO_NONE, "GRANT", 0,
	    "" },
	{ "GRANT ALL PRIVILEGES ON shop.* TO 'u'@'%' WITH GRANT OPTION", "d",
	    SQL_ACCOUNT, SQLO_DATABASE, "GRANT", 0, "o:shop.*" },
	{ "GRANT SELECT (a, b), INSERT ON TABLE shop.t TO u", "d", SQL_ACCOUNT,
	    SQLO_TABLE, "GRANT", 0, "t:shop.t" },
	{ "REVOKE INSERT ON t FROM u", "d", SQL_ACCOUNT, SQLO_TABLE, "REVOKE",
	    0, "t:d.t" },
	{ "GRANT EXECUTE ON PROCEDURE shop.p TO u", "d", SQL_ACCOUNT,
	    SQLO_PROCEDURE, "GRANT", 0, "o:shop.p" },
	{ "GRANT r1, r2 TO u", "d", SQL_ACCOUNT, SQLO_NONE, "GRANT", 0, "" },
	{ "GRANT PROXY ON 'a' TO 'b'", "d", SQL_ACCOUNT, SQLO_NONE, "GRANT", 0,
	    "" },
	{ "SET PASSWORD FOR u = PASSWORD('x')", "d", SQL_ACCOUNT, SQLO_NONE,
	    "SET PASSWORD", 0, "" },
	{ "SET DEFAULT ROLE r FOR u", "d", SQL_ACCOUNT, SQLO_NONE,
	    "SET DEFAULT ROLE", 0, "" },

	/* statement-based DML */
	{ "INSERT INTO t VALUES (1)", "d", SQL_DML, SQLO_TABLE, "INSERT", 0,
	    "t:d.t" },
	{ "insert into t(a) values ('x''; DROP TABLE y')", "d", SQL_DML,
	    SQLO_TABLE, "INSERT", 0, "t:d.t" },
	{ "INSERT LOW_PRIORITY IGNORE shop.t SET a = REPLACE('a', 'b', 'c')",
	    "d", SQL_DML, SQLO_TABLE, "INSERT", 0, "t:shop.t" },
	{ "REPLACE INTO t SELECT * FROM u WHERE a IN (SELECT b FROM v)", "d",
	    SQL_DML, SQLO_TABLE, "REPLACE", 0, "t:d.t t:d.u t:d.v" },
	{ "UPDATE t1 JOIN shop.t2 ON t1.a = t2.a SET t1.b = 1", "d", SQL_DML,
	    SQLO_TABLE, "UPDATE", 0, "t:d.t1 t:shop.t2" },
	{ "UPDATE t1 a, t2 b SET a.x = b.x", "d", SQL_DML, SQLO_TABLE,
	    "UPDATE", 0, "t:d.t1 t:d.t2" },
	{ "DELETE FROM t WHERE a = 1", "d", SQL_DML, SQLO_TABLE, "DELETE", 0,
	    "t:d.t" },
	{ "DELETE t1 FROM t1 JOIN t2 USING (a)", "d", SQL_DML, SQLO_TABLE,
	    "DELETE", 0, "t:d.t1 t:d.t2" },
	{ "DELETE FROM t1 USING t1, t2 WHERE t1.a = t2.a", "d", SQL_DML,
	    SQLO_TABLE, "DELETE", 0, "t:d.t1 t:d.t1 t:d.t2" },
	{ "INSERT INTO t SELECT * FROM a, b LEFT JOIN c ON b.x = c.x, d2", "d",
	    SQL_DML, SQLO_TABLE, "INSERT", 0,
	    "t:d.t t:d.a t:d.b t:d.c t:d.d2" },
	{ "INSERT INTO t VALUES (1) ON DUPLICATE KEY UPDATE a = VALUES(a)",
	    "d", SQL_DML, SQLO_TABLE, "INSERT", 0, "t:d.t" },
	{ "LOAD DATA LOCAL INFILE '/x' REPLACE INTO TABLE t", "d", SQL_DML,
	    SQLO_TABLE, "LOAD", 0, "t:d.t" },
	{ "CALL shop.p(1)", "d", SQL_DML, SQLO_TABLE, "CALL", 0, "o:shop.p" },
	{ "SELECT 1", "d", SQL_DML, SQLO_NONE, "SELECT", 0, "" },
	{ "SELECT EXTRACT(YEAR FROM d), TRIM(BOTH 'x' FROM s) FROM t", "d",
	    SQL_DML, SQLO_TABLE, "SELECT", 0, "t:d.t" },
	{ "WITH x AS (SELECT 1 FROM y) SELECT * FROM x", "d", SQL_DML,
	    SQLO_TABLE, "WITH", 0, "t:d.y" },
	{ "SELECT * FROM DUAL", "d", SQL_DML, SQLO_NONE, "SELECT", 0, "" },
	{ "SELECT * FROM JSON_TABLE('[]', '$[*]' COLUMNS (a INT PATH '$')) j",
	    "d", SQL_DML, SQLO_NONE, "SELECT", 0, "" },
	{ "DO 1", "d", SQL_DML, SQLO_NONE, "DO", 0, "" },
	{ "SELECT * FROM (t1, t2) JOIN t3 ON 1", "d", SQL_DML, SQLO_TABLE,
	    "SELECT", 0, "t:d.t1 t:d.t2 t:d.t3" },
	{ "SELECT * FROM t1 JOIN (t2 CROSS JOIN ((t3))) ON 1", "d", SQL_DML,
	    SQLO_TABLE, "SELECT", 0, "t:d.t1 t:d.t2 t:d.t3" },
	{ "SELECT * FROM (SELECT a FROM x) dt, y", "d", SQL_DML, SQLO_TABLE,
	    "SELECT", 0, "t:d.x t:d.y" },
	{ "INSERT INTO t SELECT a, b FROM u ON DUPLICATE KEY UPDATE a = 1, "
	    "b = 2", "d", SQL_DML, SQLO_TABLE, "INSERT", 0, "t:d.t t:d.u" },
	{ "SELECT a FROM t FOR UPDATE", "d", SQL_DML, SQLO_TABLE, "SELECT", 0,
	    "t:d.t" },
	{ "SELECT a, b FROM t GROUP BY a, b ORDER BY a, b LIMIT 1, 2", "d",
	    SQL_DML, SQLO_TABLE, "SELECT", 0, "t:d.t" },
	{ "CREATE TABLE t SELECT 1 UNION (SELECT 2)", "d", SQL_DDL,
	    SQLO_TABLE, "CREATE", 0, "t:d.t" },

	/* administration */
	{ "ANALYZE TABLE t1, shop.t2", "d", SQL_ADMIN, SQLO_TABLE, "ANALYZE", 0,
	    "t:d.t1 t:shop.t2" },
	{ "OPTIMIZE NO_WRITE_TO_BINLOG TABLE t", "d", SQL_ADMIN, SQLO_TABLE,
	    "OPTIMIZE", 0, "t:d.t" },
	{ "REPAIR LOCAL TABLE t QUICK", "d", SQL_ADMIN, SQLO_TABLE, "REPAIR", 0,
	    "t:d.t" },
	{ "CHECK TABLE t", "d", SQL_ADMIN, SQLO_TABLE, "CHECK", 0, "t:d.t" },
	{ "ANALYZE TABLE t UPDATE HISTOGRAM ON a WITH 10 BUCKETS", "d",
	    SQL_ADMIN, SQLO_TABLE, "ANALYZE", 0, "t:d.t" },
	{ "ANALYZE SELECT 1", "d", SQL_OTHER, SQLO_NONE, "ANALYZE", 0, "" },
	{ "FLUSH PRIVILEGES", "d", SQL_ADMIN, SQLO_NONE, "FLUSH", 0, "" },
	{ "FLUSH TABLES t1, t2 WITH READ LOCK", "d", SQL_ADMIN, SQLO_TABLE,
	    "FLUSH", 0, "t:d.t1 t:d.t2" },
	{ "FLUSH TABLES WITH READ LOCK", "d", SQL_ADMIN, SQLO_NONE, "FLUSH", 0,
	    "" },
	{ "INSTALL PLUGIN x SONAME 'y.so'", "d", SQL_ADMIN, SQLO_NONE,
	    "INSTALL", 0, "" },
	{ "UNINSTALL SONAME 'y'", "d", SQL_ADMIN, SQLO_NONE, "UNINSTALL", 0,
	    "" },

	/* other */
	{ "SHOW TABLES", "d", SQL_OTHER, SQLO_NONE, "SHOW", 0, "" },
	{ "SET @a = 1", "d", SQL_OTHER, SQLO_NONE, "SET", 0, "" },
	{ "/*!40101 SET NAMES utf8 */", "d", SQL_OTHER, SQLO_NONE, "SET", 0,
	    "" },
	{ "(SELECT 1)", "d", SQL_OTHER, SQLO_NONE, "", 0, "" },
	{ "KILL 5", "d", SQL_OTHER, SQLO_NONE, "KILL", 0, "" },
	{ "USE shop", "d", SQL_OTHER, SQLO_DATABASE, "USE", 0, "o:shop.shop" },
	{ "SET STATEMENT max_statement_time=10, sql_mode='' FOR ALTER TABLE t "
	    "ADD c INT", "d", SQL_DDL, SQLO_TABLE, "ALTER", 0, "t:d.t" },

	/* comments and prefixes */
	{ "/*!40000 ALTER TABLE `t` DISABLE KEYS */", "d", SQL_DDL,
	    SQLO_TABLE, "ALTER", 0, "t:d.t" },
	{ "/*!40000 ALTER TABLE `t` DISABLE KEYS */;", "d", SQL_DDL,
	    SQLO_TABLE, "ALTER", 0, "t:d.t" },
	{ "# comment\nDROP TABLE t", "d", SQL_DDL, SQLO_TABLE, "DROP", 0,
	    "t:d.t" },
	{ "-- c\nBEGIN", "d", SQL_BEGIN, SQLO_NONE, "BEGIN", 0, "" },
	{ "--\tc\nBEGIN", "d", SQL_BEGIN, SQLO_NONE, "BEGIN", 0, "" },
	{ "BEGIN --", "d", SQL_BEGIN, SQLO_NONE, "BEGIN", 0, "" },
	{ "--1\nBEGIN", "d", SQL_OTHER, SQLO_NONE, "", 0, "" },
	{ "/*M!100100 CREATE OR REPLACE TABLE t (a INT) */", "d", SQL_DDL,
	    SQLO_TABLE, "CREATE", 0, "t:d.t" },
	{ "/*!50001 CREATE ALGORITHM=UNDEFINED */ /*!50013 DEFINER=`root`@`%` "
	    "SQL SECURITY DEFINER */ /*!50001 VIEW `v` AS select 1 */", "d",
	    SQL_DDL, SQLO_VIEW, "CREATE", 0, "t:d.v" },
	{ "/*!100100CREATE TABLE t (a INT) */", "d", SQL_DDL, SQLO_TABLE,
	    "CREATE", 0, "t:d.t" },
	{ "DROP /* a comment; with ; */ TABLE t", "d", SQL_DDL, SQLO_TABLE,
	    "DROP", 0, "t:d.t" },
	{ "DROP TABLE t -- trailing; DROP TABLE u", "d", SQL_DDL, SQLO_TABLE,
	    "DROP", 0, "t:d.t" },
	{ "DROP TABLE t # trailing; DROP TABLE u", "d", SQL_DDL, SQLO_TABLE,
	    "DROP", 0, "t:d.t" },

	/* lexer errors and limits */
	{ "INSERT INTO t VALUES ('x", "d", SQL_OTHER, SQLO_NONE, "INSERT", 0,
	    "" },
	{ "BEGIN /* x", "d", SQL_OTHER, SQLO_NONE, "BEGIN", 0, "" },
	{ "/*!40000 BEGIN", "d", SQL_OTHER, SQLO_NONE, "BEGIN", 0, "" },
	{ "/* x", "d", SQL_OTHER, SQLO_NONE, "", 0, "" },
	{ "/*!40000 BEGIN /*!40000 x */ */", "d", SQL_OTHER, SQLO_NONE,
	    "BEGIN", 0, "" },
	{ "DROP TABLE `t", "d", SQL_OTHER, SQLO_NONE, "DROP", 0, "" },
	{ "INSERT INTO t VALUES ('a\\'b')", "d", SQL_DML, SQLO_TABLE, "INSERT",
	    0, "t:d.t" },
	{ "INSERT INTO t VALUES ('a\\\\')", "d", SQL_DML, SQLO_TABLE, "INSERT",
	    0, "t:d.t" },
	{ "INSERT INTO t VALUES (\"a\"\"b\\\"\")", "d", SQL_DML, SQLO_TABLE,
	    "INSERT", 0, "t:d.t" },
	{ "DROP TABLE `aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "a`", "d", SQL_OTHER, SQLO_NONE, "DROP", 0, "" },
};

/* Statements run under an sql_mode that changes lexing. */
static const struct {
	const char *name, *sql;
	uint64_t mode;
	enum sql_kind kind;
	const char *refs;
} modes[] = {
	{ "ANSI_QUOTES identifiers", "CREATE TABLE \"a\"\"b\".\"t\" (x INT)",
	    SQL_MODE_ANSI_QUOTES, SQL_DDL, "t:a\"b.t" },
	{ "ANSI_QUOTES plus backticks", "DROP TABLE `x`, \"y\"",
	    SQL_MODE_ANSI_QUOTES, SQL_DDL, "t:d.x t:d.y" },
	{ "NO_BACKSLASH_ESCAPES: backslash ends nothing",
	    "INSERT INTO t VALUES ('a\\'), ('b')", SQL_MODE_NO_BACKSLASH_ESCAPES,
	    SQL_DML, "t:d.t" },
	{ "without it the same text is unterminated",
	    "INSERT INTO t VALUES ('a\\'), ('b')", 0, SQL_OTHER, "" },
	{ "ANSI sql_mode value as logged (all its bits)",
	    "DROP TABLE \"t\"", 0x4ULL | 0x1ULL | 0x2ULL | 0x8ULL | 0x40000ULL,
	    SQL_DDL, "t:d.t" },
};

/* Rename configurations of the rewrite cases. */
enum { R_DB, R_BOTH, R_MOVE, R_NONE };
static const struct {
	const char *db, *tbl;
} rcfg[] = {
	[R_DB] = { "shop:shop2", "" },
	[R_BOTH] = { "shop:shop2", "shop.orders:shop.orders_v2,crm.u:arch.u2" },
	[R_MOVE] = { "", "shop.t:arch.t9" },
	[R_NONE] = { "", "" },
};

static const struct {
	int cfg;
	const char *db, *sql, *want;
} rw[] = {
	/* the examples of the brief */
	{ R_DB, "", "ALTER TABLE shop.orders ADD c INT",
	    "ALTER TABLE `shop2`.`orders` ADD c INT" },
	{ R_DB, "", "CREATE DATABASE shop", "CREATE DATABASE `shop2`" },
	{ R_DB, "", "CREATE DATABASE IF NOT EXISTS `shop` /*!40100 DEFAULT "
	    "CHARACTER SET latin1 */", "CREATE DATABASE IF NOT EXISTS `shop2` "
	    "/*!40100 DEFAULT CHARACTER SET latin1 */" },
	{ R_DB, "", "RENAME TABLE shop.a TO shop.b",
	    "RENAME TABLE `shop2`.`a` TO `shop2`.`b`" },
	{ R_DB, "other", "CREATE TABLE t2 LIKE shop.t1",
	    "CREATE TABLE t2 LIKE `shop2`.`t1`" },
	{ R_DB, "shop", "CREATE TABLE t2 LIKE t1",
	    "CREATE TABLE t2 LIKE t1" },
	{ R_DB, "", "CREATE VIEW v AS SELECT * FROM shop.t",
	    "CREATE VIEW v AS SELECT * FROM `shop2`.`t`" },
	{ R_DB, "shop", "CREATE TRIGGER tr BEFORE INSERT ON shop.t FOR EACH "
	    "ROW SET NEW.a = 1", "CREATE TRIGGER tr BEFORE INSERT ON "
	    "`shop2`.`t` FOR EACH ROW SET NEW.a = 1" },
	{ R_DB, "", "CREATE TRIGGER shop.tr BEFORE INSERT ON shop.t FOR EACH "
	    "ROW SET NEW.a = 1", "CREATE TRIGGER `shop2`.`tr` BEFORE INSERT ON "
	    "`shop2`.`t` FOR EACH ROW SET NEW.a = 1" },
	{ R_DB, "other", "DROP TABLE IF EXISTS a, shop.b",
	    "DROP TABLE IF EXISTS a, `shop2`.`b`" },
	{ R_DB, "", "CREATE INDEX i ON shop.t (c)",
	    "CREATE INDEX i ON `shop2`.`t` (c)" },
	{ R_DB, "other", "ALTER TABLE t RENAME TO shop.t2",
	    "ALTER TABLE t RENAME TO `shop2`.`t2`" },
	{ R_DB, "", "TRUNCATE TABLE shop.t", "TRUNCATE TABLE `shop2`.`t`" },

	/* unqualified names: the applier runs the statement in USE newdb */
	{ R_DB, "shop", "ALTER TABLE t ADD c INT", "ALTER TABLE t ADD c INT" },
	{ R_BOTH, "shop", "ALTER TABLE orders ADD c INT",
	    "ALTER TABLE `shop`.`orders_v2` ADD c INT" },
	{ R_BOTH, "shop", "RENAME TABLE orders TO orders_old",
	    "RENAME TABLE `shop`.`orders_v2` TO orders_old" },
	{ R_BOTH, "shop", "RENAME TABLE orders_old TO orders",
	    "RENAME TABLE orders_old TO `shop`.`orders_v2`" },
	{ R_MOVE, "shop", "DROP TABLE t", "DROP TABLE `arch`.`t9`" },
	{ R_MOVE, "shop", "DROP TABLE u", "DROP TABLE u" },
	{ R_BOTH, "crm", "TRUNCATE u", "TRUNCATE `arch`.`u2`" },
	{ R_BOTH, "", "TRUNCATE u", "TRUNCATE u" },
	{ R_BOTH, "shop", "ALTER TABLE shop.orders RENAME shop2.orders",
	    "ALTER TABLE `shop`.`orders_v2` RENAME shop2.orders" },

	/* databases */
	{ R_DB, "", "DROP DATABASE IF EXISTS shop",
	    "DROP DATABASE IF EXISTS `shop2`" },
	{ R_DB, "", "DROP SCHEMA shopx", "DROP SCHEMA shopx" },
	{ R_DB, "", "ALTER DATABASE shop CHARACTER SET utf8mb4",
	    "ALTER DATABASE `shop2` CHARACTER SET utf8mb4" },
	{ R_DB, "shop", "ALTER DATABASE CHARACTER SET utf8mb4",
	    "ALTER DATABASE CHARACTER SET utf8mb4" },
	{ R_DB, "", "USE shop", "USE `shop2`" },
	{ R_DB, "", "GRANT SELECT, INSERT ON shop.* TO 'u'@'%'",
	    "GRANT SELECT, INSERT ON `shop2`.* TO 'u'@'%'" },
	{ R_DB, "", "GRANT SELECT ON shop.t TO u",
	    "GRANT SELECT ON `shop2`.`t` TO u" },
	{ R_DB, "", "REVOKE EXECUTE ON PROCEDURE shop.p FROM u",
	    "REVOKE EXECUTE ON PROCEDURE `shop2`.`p` FROM u" },

	/* strings and comments are left alone, versioned comments are SQL */
	{ R_DB, "", "CREATE VIEW v AS SELECT 'shop.t' AS x, \"shop.t\", `a` "
	    "/* FROM shop.t */ FROM shop.t -- FROM shop.t\n# FROM shop.t\n",
	    "CREATE VIEW v AS SELECT 'shop.t' AS x, \"shop.t\", `a` "
	    "/* FROM shop.t */ FROM `shop2`.`t` -- FROM shop.t\n# FROM shop.t\n" },
	{ R_DB, "", "/*!50001 CREATE ALGORITHM=UNDEFINED */ /*!50013 DEFINER="
	    "`root`@`%` SQL SECURITY DEFINER */ /*!50001 VIEW `shop`.`v` AS "
	    "select `shop`.`t`.`a` AS `a` from `shop`.`t` */",
	    "/*!50001 CREATE ALGORITHM=UNDEFINED */ /*!50013 DEFINER="
	    "`root`@`%` SQL SECURITY DEFINER */ /*!50001 VIEW `shop2`.`v` AS "
	    "select `shop2`.`t`.`a` AS `a` from `shop2`.`t` */" },
	{ R_DB, "", "DROP TABLE IF EXISTS `shop`.`t` /* generated by server */",
	    "DROP TABLE IF EXISTS `shop2`.`t` /* generated by server */" },
	{ R_DB, "", "DROP TABLE shop . /* keep */ t",
	    "DROP TABLE `shop2` . /* keep */ `t`" },
	{ R_DB, "", "CREATE TABLE shop.t (a VARCHAR(9) DEFAULT 'shop.x', b INT "
	    "COMMENT 'REFERENCES shop.y')", "CREATE TABLE `shop2`.`t` (a "
	    "VARCHAR(9) DEFAULT 'shop.x', b INT COMMENT 'REFERENCES shop.y')" },

	/* view bodies */
	{ R_BOTH, "shop", "CREATE VIEW v AS SELECT orders.id FROM orders JOIN "
	    "items ON orders.id = items.oid",
	    "CREATE VIEW v AS SELECT orders.id FROM `shop`.`orders_v2` AS "
	    "`orders` JOIN items ON orders.id = items.oid" },
	{ R_BOTH, "", "CREATE VIEW shop.v AS SELECT shop.orders.id, "
	    "shop.items.x FROM shop.orders, shop.items",
	    "CREATE VIEW `shop2`.`v` AS SELECT `orders`.id, `shop2`.`items`.x "
	    "FROM `shop`.`orders_v2` AS `orders`, `shop2`.`items`" },
	{ R_BOTH, "shop", "CREATE VIEW v AS SELECT o.id FROM orders o, orders "
	    "AS p", "CREATE VIEW v AS SELECT o.id FROM `shop`.`orders_v2` o, "
	    "`shop`.`orders_v2` AS p" },
	{ R_BOTH, "shop", "CREATE VIEW v AS WITH orders AS (SELECT 1 AS id) "
	    "SELECT id FROM orders", "CREATE VIEW v AS WITH orders AS (SELECT "
	    "1 AS id) SELECT id FROM orders" },
	{ R_BOTH, "shop", "CREATE VIEW v AS WITH a AS (SELECT 1), orders (x) "
	    "AS (SELECT 2) SELECT * FROM a, orders",
	    "CREATE VIEW v AS WITH a AS (SELECT 1), orders (x) AS (SELECT 2) "
	    "SELECT * FROM a, orders" },
	{ R_BOTH, "shop", "CREATE VIEW v AS SELECT EXTRACT(YEAR FROM orders) "
	    "FROM orders", "CREATE VIEW v AS SELECT EXTRACT(YEAR FROM orders) "
	    "FROM `shop`.`orders_v2` AS `orders`" },
	{ R_DB, "", "CREATE VIEW v AS SELECT * FROM (SELECT a FROM shop.t) x "
	    "WHERE a IN (SELECT b FROM shop.u) AND EXISTS (SELECT 1 FROM "
	    "shop.w JOIN shop.z USING (k))",
	    "CREATE VIEW v AS SELECT * FROM (SELECT a FROM `shop2`.`t`) x "
	    "WHERE a IN (SELECT b FROM `shop2`.`u`) AND EXISTS (SELECT 1 FROM "
	    "`shop2`.`w` JOIN `shop2`.`z` USING (k))" },
	{ R_DB, "", "CREATE VIEW v AS SELECT a FROM shop.t UNION ALL SELECT a "
	    "FROM shop.u", "CREATE VIEW v AS SELECT a FROM `shop2`.`t` UNION "
	    "ALL SELECT a FROM `shop2`.`u`" },
	{ R_DB, "", "CREATE VIEW v AS SELECT shop.f(a) FROM DUAL",
	    "CREATE VIEW v AS SELECT `shop2`.`f`(a) FROM DUAL" },
	{ R_DB, "", "CREATE VIEW v AS SELECT * FROM shop.t a LEFT OUTER JOIN "
	    "shop.u b ON a.x = b.x STRAIGHT_JOIN shop.w, shop.y",
	    "CREATE VIEW v AS SELECT * FROM `shop2`.`t` a LEFT OUTER JOIN "
	    "`shop2`.`u` b ON a.x = b.x STRAIGHT_JOIN `shop2`.`w`, "
	    "`shop2`.`y`" },
	{ R_DB, "", "CREATE VIEW v AS SELECT STRAIGHT_JOIN a FROM shop.t",
	    "CREATE VIEW v AS SELECT STRAIGHT_JOIN a FROM `shop2`.`t`" },

	/* routine, trigger and event bodies */
	{ R_DB, "other", "CREATE PROCEDURE shop.p() BEGIN INSERT INTO log "
	    "SELECT * FROM shop.t; UPDATE t2 SET a = 1; CALL shop.q(1); END",
	    "CREATE PROCEDURE `shop2`.`p`() BEGIN INSERT INTO log SELECT * FROM "
	    "`shop2`.`t`; UPDATE t2 SET a = 1; CALL `shop2`.`q`(1); END" },
	{ R_BOTH, "other", "CREATE PROCEDURE shop.p() BEGIN DELETE FROM orders "
	    "WHERE id = 1; UPDATE orders SET a = 1; END",
	    "CREATE PROCEDURE `shop2`.`p`() BEGIN DELETE FROM `shop`.`orders_v2` "
	    "WHERE id = 1; UPDATE `shop`.`orders_v2` AS `orders` SET a = 1; "
	    "END" },
	{ R_DB, "", "CREATE EVENT shop.e ON SCHEDULE EVERY 1 DAY DO DELETE FROM "
	    "shop.t WHERE ts < NOW()", "CREATE EVENT `shop2`.`e` ON SCHEDULE "
	    "EVERY 1 DAY DO DELETE FROM `shop2`.`t` WHERE ts < NOW()" },
	{ R_MOVE, "shop", "CREATE DEFINER=`root`@`localhost` TRIGGER tr AFTER "
	    "INSERT ON t FOR EACH ROW INSERT INTO log VALUES (NEW.id)",
	    "CREATE DEFINER=`root`@`localhost` TRIGGER `arch`.`tr` AFTER INSERT "
	    "ON `arch`.`t9` FOR EACH ROW INSERT INTO `shop`.`log` VALUES "
	    "(NEW.id)" },
	{ R_MOVE, "", "CREATE TRIGGER shop.tr AFTER INSERT ON shop.t FOR EACH "
	    "ROW UPDATE shop.t SET x = 1", "CREATE TRIGGER `arch`.`tr` AFTER "
	    "INSERT ON `arch`.`t9` FOR EACH ROW UPDATE `arch`.`t9` AS `t` "
	    "SET x = 1" },
	{ R_DB, "", "CREATE FUNCTION shop.f() RETURNS INT RETURN (SELECT "
	    "COUNT(*) FROM shop.t)", "CREATE FUNCTION `shop2`.`f`() RETURNS INT "
	    "RETURN (SELECT COUNT(*) FROM `shop2`.`t`)" },
	{ R_DB, "", "CREATE PROCEDURE shop.p() BEGIN TRUNCATE shop.t; CREATE "
	    "TABLE shop.n LIKE shop.t; ALTER TABLE shop.n RENAME TO shop.m; "
	    "RENAME TABLE shop.m TO shop.k; CREATE INDEX i ON shop.k (a); "
	    "DROP DATABASE IF EXISTS shop; SELECT TRUNCATE(1.5, 0); END",
	    "CREATE PROCEDURE `shop2`.`p`() BEGIN TRUNCATE `shop2`.`t`; CREATE "
	    "TABLE `shop2`.`n` LIKE `shop2`.`t`; ALTER TABLE `shop2`.`n` RENAME "
	    "TO `shop2`.`m`; RENAME TABLE `shop2`.`m` TO `shop2`.`k`; CREATE "
	    "INDEX i ON `shop2`.`k` (a); DROP DATABASE IF EXISTS `shop2`; "
	    "SELECT TRUNCATE(1.5, 0); END" },
	{ R_DB, "", "ALTER EVENT shop.e RENAME TO shop.e2 DO INSERT INTO shop.t "
	    "VALUES (1)", "ALTER EVENT `shop2`.`e` RENAME TO `shop2`.`e2` DO "
	    "INSERT INTO `shop2`.`t` VALUES (1)" },

	/* table definitions */
	{ R_DB, "", "ALTER TABLE shop.c ADD FOREIGN KEY (p) REFERENCES shop.p "
	    "(id) ON DELETE CASCADE ON UPDATE CASCADE", "ALTER TABLE "
	    "`shop2`.`c` ADD FOREIGN KEY (p) REFERENCES `shop2`.`p` (id) ON "
	    "DELETE CASCADE ON UPDATE CASCADE" },
	{ R_DB, "other", "CREATE TABLE shop.m (a INT) ENGINE=MERGE "
	    "UNION=(shop.t1, t2) INSERT_METHOD=LAST", "CREATE TABLE `shop2`.`m` "
	    "(a INT) ENGINE=MERGE UNION=(`shop2`.`t1`, t2) INSERT_METHOD=LAST" },
	{ R_DB, "", "CREATE TABLE shop.m (a INT) ENGINE=MERGE UNION (shop.t1)",
	    "CREATE TABLE `shop2`.`m` (a INT) ENGINE=MERGE UNION "
	    "(`shop2`.`t1`)" },
	{ R_DB, "", "CREATE TABLE shop.t2 SELECT a FROM shop.t UNION (SELECT a "
	    "FROM shop.u)", "CREATE TABLE `shop2`.`t2` SELECT a FROM "
	    "`shop2`.`t` UNION (SELECT a FROM `shop2`.`u`)" },
	{ R_DB, "", "CREATE VIEW v AS SELECT * FROM (shop.t, shop.u) JOIN "
	    "(shop.w) ON 1", "CREATE VIEW v AS SELECT * FROM (`shop2`.`t`, "
	    "`shop2`.`u`) JOIN (`shop2`.`w`) ON 1" },
	{ R_DB, "", "ALTER TABLE shop.p EXCHANGE PARTITION p0 WITH TABLE "
	    "shop.x", "ALTER TABLE `shop2`.`p` EXCHANGE PARTITION p0 WITH "
	    "TABLE `shop2`.`x`" },
	{ R_DB, "", "CREATE TABLE shop.t (id INT DEFAULT NEXTVAL(shop.s))",
	    "CREATE TABLE `shop2`.`t` (id INT DEFAULT NEXTVAL(`shop2`.`s`))" },
	{ R_DB, "", "CREATE TABLE shop.t (id INT DEFAULT (NEXT VALUE FOR "
	    "shop.s))", "CREATE TABLE `shop2`.`t` (id INT DEFAULT (NEXT VALUE "
	    "FOR `shop2`.`s`))" },
	{ R_DB, "", "CREATE TABLE shop.t2 AS SELECT * FROM shop.t1",
	    "CREATE TABLE `shop2`.`t2` AS SELECT * FROM `shop2`.`t1`" },
	{ R_DB, "", "CREATE TABLE shop.t2 (a INT) REPLACE SELECT a FROM "
	    "shop.t1", "CREATE TABLE `shop2`.`t2` (a INT) REPLACE SELECT a "
	    "FROM `shop2`.`t1`" },
	{ R_DB, "", "CREATE SEQUENCE shop.s", "CREATE SEQUENCE `shop2`.`s`" },
	{ R_DB, "", "DROP TRIGGER shop.tr", "DROP TRIGGER `shop2`.`tr`" },
	{ R_DB, "", "DROP INDEX i ON shop.t", "DROP INDEX i ON `shop2`.`t`" },
	{ R_DB, "", "ANALYZE TABLE shop.t", "ANALYZE TABLE `shop2`.`t`" },

	/* quoting of new names */
	{ R_DB, "", "DROP TABLE `shop`.`we``ird`",
	    "DROP TABLE `shop2`.`we``ird`" },

	/* nothing to do, or not understood: copied as is */
	{ R_NONE, "shop", "ALTER TABLE shop.orders ADD c INT",
	    "ALTER TABLE shop.orders ADD c INT" },
	{ R_DB, "", "FOO shop.t", "FOO shop.t" },
	{ R_DB, "", "DROP TABLE shop.t; DROP TABLE shop.u",
	    "DROP TABLE shop.t; DROP TABLE shop.u" },
	{ R_DB, "", "BEGIN", "BEGIN" },

};

/* Rewrites under an sql_mode (renames of R_DB). */
static const struct {
	uint64_t mode;
	const char *sql, *want;
} rw_modes[] = {
	{ SQL_MODE_ANSI_QUOTES, "CREATE TABLE \"shop\".\"t\" (a INT)",
	    "CREATE TABLE `shop2`.`t` (a INT)" },
	{ 0, "CREATE TABLE \"shop\".\"t\" (a INT)",
	    "CREATE TABLE \"shop\".\"t\" (a INT)" },
	{ SQL_MODE_NO_BACKSLASH_ESCAPES,
	    "CREATE VIEW v AS SELECT 'a\\' FROM shop.t",
	    "CREATE VIEW v AS SELECT 'a\\' FROM `shop2`.`t`" },
	{ 0, "CREATE VIEW v AS SELECT 'a\\' FROM shop.t",
	    "CREATE VIEW v AS SELECT 'a\\' FROM shop.t" },
};

/* Every prefix and some byte flips of every case: no crash, no overread. */
static void
robustness(void)
{
	struct filter *f = filter_new(NULL, NULL, NULL, NULL, NULL,
	    "shop:shop2,d:d2", "shop.orders:x.y", NULL, NULL);
	static const char flips[] = "'\"`/*!-#;().,@ \\\n";
	size_t i, k, runs = 0;

	T_CASE("every prefix, byte flips");
	for (i = 0; i < sizeof(cls) / sizeof(cls[0]) + sizeof(rw) /
	    sizeof(rw[0]); i++) {
		const char *s = i < sizeof(cls) / sizeof(cls[0]) ? cls[i].sql :
		    rw[i - sizeof(cls) / sizeof(cls[0])].sql;
		size_t n = strlen(s), j;

		for (j = 0; j <= n; j++) {
			char *buf = malloc(j ? j : 1), *out;
			struct sql_info in;

			memcpy(buf, s, j);
			sql_classify(buf, j, "d", &in);
			out = sql_rewrite(buf, j, "shop", f);
			T_CHECK(out != NULL && strlen(out) >= (in.kind ==
			    SQL_OTHER ? j : 0), "rewrite of prefix %zu of %s",
			    j, s);
			free(out);
			for (k = 0; k < sizeof(flips) - 1 && j > 0; k++) {
				buf[(j * 7 + k) % j] = flips[k];
				sql_classify_mode(buf, j, "shop", k & 1 ?
				    SQL_MODE_ANSI_QUOTES : 0, &in);
				out = sql_rewrite_mode(buf, j, "shop", k & 2 ?
				    SQL_MODE_NO_BACKSLASH_ESCAPES : 0, f);
				free(out);
				runs++;
			}
			free(buf);
		}
	}
	T_CHECK(runs > 1000, "only %zu runs", runs);
	filter_free(f);
}

/* sql_column_of_type(): the first column of a MariaDB-only type. */
static void
column_types(void)
{
	static const char *const types[] = { "INET4", "INET6", "UUID", NULL };
	static const struct {
		const char *sql, *col, *type; /* col NULL: none */
	} ct[] = {
		{ "CREATE TABLE t (id INT PRIMARY KEY, a inet6 NOT NULL)", "a", "INET6" },
		{ "CREATE TABLE t (`ip addr` INET4, b UUID)", "ip addr", "INET4" },
		{ "CREATE TABLE t (`a``b` Uuid DEFAULT UUID())", "a`b", "UUID" },
		{ "CREATE TABLE t (uuid CHAR(36) DEFAULT (UUID()), KEY uuid (uuid))",
		    NULL, NULL },
		{ "CREATE TABLE t (a INT COMMENT 'x INET6', b VARCHAR(10))", NULL, NULL },
		{ "CREATE TABLE t (a INT /* , b INET6 */)", NULL, NULL },
		{ "CREATE TABLE t (a INT /*M!100500 , b INET6 */)", "b", "INET6" },
		{ "ALTER TABLE t ADD COLUMN uuid INET6", "uuid", "INET6" },
		{ "ALTER TABLE t ADD IF NOT EXISTS c UUID AFTER a", "c", "UUID" },
		{ "ALTER TABLE t MODIFY c inet4 NULL", "c", "INET4" },
		{ "ALTER TABLE t CHANGE COLUMN a b UUID", "b", "UUID" },
		{ "ALTER TABLE t CHANGE a uuid INT", NULL, NULL },
		{ "ALTER TABLE t RENAME COLUMN a TO uuid", NULL, NULL },
		{ "ALTER TABLE t ADD (x INT, y INET6)", "y", "INET6" },
		{ "CREATE TABLE t AS SELECT CAST(a AS INET6) AS x FROM u", NULL, NULL },
		{ "CREATE TABLE t (a INT, INDEX uuid(a))", NULL, NULL },
	};
	char col[64], type[16];

	for (size_t i = 0; i < sizeof(ct) / sizeof(ct[0]); i++) {
		bool found;

		T_CASE(ct[i].sql);
		found = sql_column_of_type(ct[i].sql, strlen(ct[i].sql), 0, types, col,
		    sizeof(col), type, sizeof(type));
		T_CHECK(found == (ct[i].col != NULL), "found %d (%s %s)", found,
		    found ? col : "", found ? type : "");
		if (found && ct[i].col != NULL) {
			T_STREQ(col, strlen(col), ct[i].col);
			T_STREQ(type, strlen(type), ct[i].type);
		}
	}
}

/* sql_column_compressed(): the first column with MariaDB's COMPRESSED. */
static void
column_compressed(void)
{
	static const struct {
		const char *sql, *col; /* col NULL: none */
	} cc[] = {
		{ "CREATE TABLE t (id INT PRIMARY KEY, `big v` BLOB COMPRESSED)", "big v" },
		{ "CREATE TABLE t (a VARCHAR(10) COMPRESSED=zlib CHARACTER SET utf8mb4)", "a" },
		{ "CREATE TABLE t (a TEXT, b VARBINARY(9) compressed NOT NULL)", "b" },
		{ "CREATE TABLE t (a INT) ROW_FORMAT=COMPRESSED", NULL },
		{ "CREATE TABLE t (a INT) ROW_FORMAT COMPRESSED KEY_BLOCK_SIZE=8", NULL },
		{ "CREATE TABLE t (compressed INT, KEY (compressed))", NULL },
		{ "CREATE TABLE t (a INT CHECK (compressed > 0), compressed INT)", NULL },
		{ "CREATE TABLE t (a INT COMMENT 'COMPRESSED')", NULL },
		{ "CREATE TABLE t (a INT) SELECT compressed FROM u", NULL },
		{ "ALTER TABLE t ADD COLUMN c TEXT COMPRESSED", "c" },
		{ "ALTER TABLE t MODIFY c BLOB COMPRESSED", "c" },
		{ "ALTER TABLE t CHANGE COLUMN a b TEXT COMPRESSED", "b" },
		{ "ALTER TABLE t ADD x INT, ADD (y INT, z BLOB COMPRESSED)", "z" },
		{ "ALTER TABLE t ROW_FORMAT=COMPRESSED", NULL },
	};
	char col[64];

	for (size_t i = 0; i < sizeof(cc) / sizeof(cc[0]); i++) {
		bool found;

		T_CASE(cc[i].sql);
		found = sql_column_compressed(cc[i].sql, strlen(cc[i].sql), 0, col, sizeof(col));
		T_CHECK(found == (cc[i].col != NULL), "found %d (%s)", found, found ? col : "");
		if (found && cc[i].col != NULL)
			T_STREQ(col, strlen(col), cc[i].col);
	}
}

/* sql_index_visibility(): IGNORED and INVISIBLE of indexes, across vendors. */
static void
index_visibility(void)
{
	static const struct {
		const char *sql;
		bool to_mariadb;
		const char *want; /* NULL: unchanged */
	} iv[] = {
		{ "ALTER TABLE t ALTER INDEX k INVISIBLE", true, "ALTER TABLE t ALTER INDEX k IGNORED" },
		{ "ALTER TABLE `d`.`t` ALTER INDEX k VISIBLE", true,
		    "ALTER TABLE `d`.`t` ALTER INDEX k NOT IGNORED" },
		{ "ALTER TABLE t ALTER INDEX k IGNORED", false, "ALTER TABLE t ALTER INDEX k INVISIBLE" },
		{ "ALTER TABLE t ALTER KEY k NOT IGNORED", false, "ALTER TABLE t ALTER KEY k VISIBLE" },
		{ "alter online table if exists t add index k (c) comment 'x' invisible, add column "
		    "h int invisible", true, "alter online table if exists t add index k (c) comment "
		    "'x' IGNORED, add column h int invisible" },
		{ "ALTER TABLE t ADD COLUMN h INT INVISIBLE", true, NULL },
		{ "ALTER TABLE t MODIFY h INT INVISIBLE, ADD UNIQUE KEY u (h) INVISIBLE", true,
		    "ALTER TABLE t MODIFY h INT INVISIBLE, ADD UNIQUE KEY u (h) IGNORED" },
		{ "ALTER TABLE t ADD CONSTRAINT c1 UNIQUE (a) INVISIBLE", true,
		    "ALTER TABLE t ADD CONSTRAINT c1 UNIQUE (a) IGNORED" },
		{ "ALTER TABLE t ADD COLUMN ignored INT", false, NULL },
		{ "ALTER TABLE t ADD ignored INT, ADD KEY (ignored) IGNORED", false,
		    "ALTER TABLE t ADD ignored INT, ADD KEY (ignored) INVISIBLE" },
		{ "CREATE INDEX k ON t (c) INVISIBLE", true, "CREATE INDEX k ON t (c) IGNORED" },
		{ "CREATE UNIQUE INDEX k ON t (c) IGNORED", false,
		    "CREATE UNIQUE INDEX k ON t (c) INVISIBLE" },
		{ "CREATE TABLE t (a INT PRIMARY KEY, h INT INVISIBLE, KEY k (h) INVISIBLE, "
		    "`visible` INT)", true, "CREATE TABLE t (a INT PRIMARY KEY, h INT INVISIBLE, "
		    "KEY k (h) IGNORED, `visible` INT)" },
		{ "CREATE TABLE t (a INT, INDEX (a) COMMENT 'INVISIBLE')", true, NULL },
		{ "CREATE TABLE t (a INT, KEY k (a) IGNORED) ENGINE=InnoDB", false,
		    "CREATE TABLE t (a INT, KEY k (a) INVISIBLE) ENGINE=InnoDB" },
		{ "CREATE TABLE t (vector INT INVISIBLE)", true, NULL },
		{ "CREATE TABLE t (a INT) PARTITION BY HASH (a) PARTITIONS 2", true, NULL },
		{ "DROP INDEX k ON t", true, NULL },
		{ "ALTER TABLE t ALTER COLUMN c SET INVISIBLE", true, NULL },
		{ "ALTER TABLE t ALTER INDEX k INVISIBLE", false, NULL },
	};

	for (size_t i = 0; i < sizeof(iv) / sizeof(iv[0]); i++) {
		bool oom;
		char *got;

		T_CASE(iv[i].sql);
		got = sql_index_visibility(iv[i].sql, strlen(iv[i].sql), 0, iv[i].to_mariadb, &oom);
		T_CHECK(!oom, "out of memory");
		if (iv[i].want == NULL)
			T_CHECK(got == NULL, "changed to \"%s\"", got);
		else {
			T_CHECK(got != NULL, "unchanged");
			if (got != NULL)
				T_STREQ(got, strlen(got), iv[i].want);
		}
		free(got);
	}
}

/*
 * sql_mariadb_ddl() and sql_mariadb_ddl_text(): MariaDB's OR REPLACE and
 * IF [NOT] EXISTS for MySQL. conds lists each condition found as
 * "KIND:name:E|N:clause" (E for IF EXISTS), truth the value given to each
 * (0 or 1), want the text (NULL: no such words; "!" unsupported).
 */
static void
mariadb_ddl(void)
{
	static const char kinds[] = "TCIFK";
	static const struct {
		const char *sql, *conds, *truth, *drop, *want;
	} md[] = {
		{ "ALTER TABLE t ADD COLUMN c INT", "", "", "", NULL },
		{ "CREATE TABLE IF NOT EXISTS t (a INT)", "", "", "", NULL },
		{ "DROP TABLE IF EXISTS t", "", "", "", NULL },
		{ "ALTER TABLE t ADD COLUMN IF NOT EXISTS c INT DEFAULT 7", "C:c:N:0", "1", "",
		    "ALTER TABLE t ADD COLUMN  c INT DEFAULT 7" },
		{ "ALTER TABLE t ADD COLUMN IF NOT EXISTS c INT DEFAULT 7", "C:c:N:0", "0", "", "" },
		{ "alter table `d`.`t` add if not exists `c``x` int, drop column if exists b, "
		    "add index if not exists ia (a, b), drop key if exists kb", "C:c`x:N:0 C:b:E:1 "
		    "I:ia:N:2 I:kb:E:3", "0101", "", "alter table `d`.`t` drop column  b, "
		    "drop key  kb" },
		{ "ALTER TABLE t MODIFY IF EXISTS c BIGINT, CHANGE COLUMN IF EXISTS d e INT",
		    "C:c:E:0 C:d:E:1", "10", "", "ALTER TABLE t MODIFY  c BIGINT" },
		{ "ALTER TABLE t ADD UNIQUE KEY IF NOT EXISTS u (s), ADD FULLTEXT IF NOT EXISTS "
		    "ft (s)", "I:u:N:0 I:ft:N:1", "11", "", "ALTER TABLE t ADD UNIQUE KEY  u (s), "
		    "ADD FULLTEXT  ft (s)" },
		{ "ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY IF NOT EXISTS (a) REFERENCES p (id) "
		    "ON DELETE CASCADE", "F:fk:N:0", "1", "", "ALTER TABLE t ADD CONSTRAINT fk "
		    "FOREIGN KEY  (a) REFERENCES p (id) ON DELETE CASCADE" },
		{ "ALTER TABLE t DROP FOREIGN KEY IF EXISTS fk, DROP CONSTRAINT IF EXISTS ck",
		    "F:fk:E:0 K:ck:E:1", "01", "", "ALTER TABLE t DROP CONSTRAINT  ck" },
		{ "ALTER TABLE IF EXISTS t WAIT 3 ADD COLUMN f INT, ALGORITHM = NOCOPY",
		    "T::E:-1", "1", "", "ALTER TABLE  t  ADD COLUMN f INT, ALGORITHM = DEFAULT" },
		{ "ALTER TABLE IF EXISTS t ADD COLUMN f INT", "T::E:-1", "0", "", "" },
		{ "ALTER TABLE t NOWAIT ADD COLUMN f INT", "", "", "", "ALTER TABLE t  ADD COLUMN f INT" },
		{ "CREATE UNIQUE INDEX IF NOT EXISTS k ON t (c)", "I:k:N:-1", "1", "",
		    "CREATE UNIQUE INDEX  k ON t (c)" },
		{ "DROP INDEX IF EXISTS k ON t", "I:k:E:-1", "0", "", "" },
		{ "CREATE VIEW IF NOT EXISTS v AS SELECT 1", "T::N:-1", "1", "",
		    "CREATE VIEW  v AS SELECT 1" },
		{ "CREATE OR REPLACE VIEW v AS SELECT 1", "", "", "", NULL },
		{ "CREATE OR REPLACE TABLE `d`.`t` (a INT)", "", "", "DROP TABLE IF EXISTS `d`.`t`",
		    "CREATE  TABLE `d`.`t` (a INT)" },
		{ "CREATE OR REPLACE DEFINER=`root`@`localhost` PROCEDURE p() SET @a = 1", "", "",
		    "DROP PROCEDURE IF EXISTS p", "CREATE  DEFINER=`root`@`localhost` PROCEDURE "
		    "p() SET @a = 1" },
		{ "CREATE OR REPLACE SCHEMA s", "", "", "DROP SCHEMA IF EXISTS s", "CREATE  SCHEMA s" },
		{ "CREATE OR REPLACE TRIGGER d.tr AFTER INSERT ON t FOR EACH ROW SET @a = 1", "", "",
		    "DROP TRIGGER IF EXISTS d.tr", "CREATE  TRIGGER d.tr AFTER INSERT ON t FOR EACH "
		    "ROW SET @a = 1" },
		{ "CREATE OR REPLACE TEMPORARY TABLE t (a INT)", "", "", "", NULL },
		{ "CREATE OR REPLACE INDEX k ON t (c)", "", "", "", "!" },
		{ "ALTER TABLE t ADD COLUMN IF NOT EXISTS (a INT, b INT)", "", "", "", "!" },
		{ "ALTER TABLE t DROP PARTITION IF EXISTS p1", "", "", "", "!" },
		/* words in strings, comments and parentheses are not clauses */
		{ "ALTER TABLE t ADD COLUMN c INT COMMENT 'if not exists', ADD CHECK (c > 0)", "",
		    "", "", NULL },
	};

	for (size_t i = 0; i < sizeof(md) / sizeof(md[0]); i++) {
		struct sql_mdb m;
		bool holds[SQL_MDB_MAX];
		char conds[400] = "";
		bool found;

		T_CASE(md[i].sql);
		found = sql_mariadb_ddl(md[i].sql, strlen(md[i].sql), 0, &m);
		if (md[i].want == NULL) {
			T_CHECK(!found, "found words to translate");
			continue;
		}
		T_CHECK(found, "found nothing to translate");
		if (strcmp(md[i].want, "!") == 0) {
			T_CHECK(m.unsupported[0] != '\0', "translated");
			continue;
		}
		T_CHECK(m.unsupported[0] == '\0', "unsupported: %s", m.unsupported);
		for (unsigned j = 0; j < m.nconds; j++) {
			size_t l = strlen(conds);
			snprintf(conds + l, sizeof(conds) - l, "%s%c:%s:%c:%d", j ? " " : "",
			    kinds[m.conds[j].kind], m.conds[j].name, m.conds[j].if_exists ? 'E' : 'N',
			    m.conds[j].clause);
			holds[j] = md[i].truth[j] == '1';
		}
		T_STREQ(conds, strlen(conds), md[i].conds);
		T_STREQ(m.drop_first, strlen(m.drop_first), md[i].drop);
		char *got = sql_mariadb_ddl_text(md[i].sql, strlen(md[i].sql), &m, holds);
		T_CHECK(got != NULL, "out of memory");
		if (got != NULL)
			T_STREQ(got, strlen(got), md[i].want);
		free(got);
	}
}

/* sql_mysql_ddl(): MySQL's CHECK ... [NOT] ENFORCED for MariaDB (want NULL: unchanged). */
static void
mysql_checks(void)
{
	static const struct {
		const char *sql, *want, *note;
	} mc[] = {
		{ "CREATE TABLE t (a INT, CONSTRAINT c1 CHECK (a > 0))", NULL, "" },
		{ "CREATE TABLE t (a INT, CONSTRAINT `c1` CHECK ((`a` > 0)) /*!80016 NOT ENFORCED */"
		    ", b INT)", "CREATE TABLE t (a INT, b INT)", "CONSTRAINT `c1` CHECK ((`a` > 0))" },
		{ "CREATE TABLE t (\n  `a` int,\n  CONSTRAINT `c1` CHECK ((`a` > 0)) /*!80016 NOT "
		    "ENFORCED */\n) ENGINE=InnoDB", "CREATE TABLE t (\n  `a` int\n) ENGINE=InnoDB",
		    "CONSTRAINT `c1` CHECK ((`a` > 0))" },
		{ "CREATE TABLE t (a INT CHECK (a > 0) NOT ENFORCED, b INT CHECK (b < 0) ENFORCED, "
		    "CHECK (a <> b) NOT ENFORCED)", "CREATE TABLE t (a INT , b INT CHECK (b < 0) )",
		    "CHECK (a > 0); CHECK (a <> b)" },
		{ "CREATE TABLE t (a INT, CHECK (a IN (1, 2)) ENFORCED)",
		    "CREATE TABLE t (a INT, CHECK (a IN (1, 2)) )", "" },
		{ "CREATE TABLE t (a INT, CHECK (a > 0) /*!80016 ENFORCED */)", NULL, "" },
		{ "ALTER TABLE t ADD CONSTRAINT c2 CHECK (a < 9) NOT ENFORCED", "", "CONSTRAINT c2 "
		    "CHECK (a < 9)" },
		{ "ALTER TABLE t ADD COLUMN x INT, ADD CHECK (x > 0) NOT ENFORCED",
		    "ALTER TABLE t ADD COLUMN x INT", "CHECK (x > 0)" },
		{ "ALTER TABLE t ALTER CHECK c2 NOT ENFORCED, ADD COLUMN y INT",
		    "ALTER TABLE t DROP CONSTRAINT IF EXISTS c2, ADD COLUMN y INT", "" },
		{ "ALTER TABLE t ALTER CONSTRAINT `c2` ENFORCED", "", "ALTER CONSTRAINT `c2` ENFORCED" },
		{ "ALTER TABLE d.t DROP CHECK c2", "ALTER TABLE d.t DROP CONSTRAINT IF EXISTS c2", "" },
		/* a condition: left out when the destination has no such constraint */
		{ "ALTER TABLE t DROP CONSTRAINT c2", "", "" },
		{ "ALTER TABLE t ADD COLUMN z INT, DROP CONSTRAINT `c2`", "ALTER TABLE t ADD COLUMN z INT",
		    "" },
		{ "ALTER TABLE t DROP CONSTRAINT IF EXISTS c2", NULL, "" },
		{ "ALTER TABLE t ADD COLUMN e INT COMMENT 'CHECK (x) NOT ENFORCED'", NULL, "" },
		{ "CREATE TABLE t2 LIKE t", NULL, "" },
		{ "ALTER TABLE t ALTER COLUMN c SET DEFAULT 1", NULL, "" },
	};
	static const struct {
		const char *name, *def;
		bool invisible;
		const char *want;
	} mv[] = {
		{ "h", "int(11) DEFAULT NULL INVISIBLE,", false, "MODIFY COLUMN `h` int(11) DEFAULT NULL " },
		{ "h", "int(11) DEFAULT NULL COMMENT 'INVISIBLE',", true,
		    "MODIFY COLUMN `h` int(11) DEFAULT NULL COMMENT 'INVISIBLE' INVISIBLE" },
		{ "a`b", "varchar(10) NOT NULL", true, "MODIFY COLUMN `a``b` varchar(10) NOT NULL INVISIBLE" },
	};
	static const char vsql[] = "ALTER TABLE t ALTER COLUMN `h` SET VISIBLE, ALTER a SET "
	    "INVISIBLE, ADD COLUMN x INT";
	struct sql_mdb vm;
	static const char csql[] = "ALTER TABLE t DROP CONSTRAINT uk, DROP CONSTRAINT ck";
	bool holds[2] = { true, false };

	/* DROP CONSTRAINT kept where the destination has the constraint */
	T_CASE(csql);
	T_CHECK(sql_mysql_ddl(csql, strlen(csql), 0, &vm) && vm.nconds == 2 &&
	    vm.conds[0].kind == SQLC_CONSTRAINT && strcmp(vm.conds[1].name, "ck") == 0,
	    "conditions read wrong");
	{
		char *got = sql_mariadb_ddl_text(csql, strlen(csql), &vm, holds);
		T_CHECK(got != NULL, "out of memory");
		if (got != NULL)
			T_STREQ(got, strlen(got), "ALTER TABLE t DROP CONSTRAINT uk");
		free(got);
	}

	T_CASE(vsql);
	T_CHECK(sql_mysql_ddl(vsql, strlen(vsql), 0, &vm), "not found");
	T_CHECK(vm.nvis == 2 && strcmp(vm.vis[0].name, "h") == 0 && !vm.vis[0].invisible &&
	    vm.vis[0].clause == 0 && strcmp(vm.vis[1].name, "a") == 0 && vm.vis[1].invisible &&
	    vm.vis[1].clause == 1, "visibility clauses read wrong: %u", vm.nvis);
	for (size_t i = 0; i < sizeof(mv) / sizeof(mv[0]); i++) {
		char *got = sql_modify_visibility(mv[i].name, mv[i].def, mv[i].invisible);
		T_CASE(mv[i].def);
		T_CHECK(got != NULL, "out of memory");
		if (got != NULL)
			T_STREQ(got, strlen(got), mv[i].want);
		free(got);
	}

	for (size_t i = 0; i < sizeof(mc) / sizeof(mc[0]); i++) {
		struct sql_mdb m;
		bool none[1] = { false };
		bool found;

		T_CASE(mc[i].sql);
		found = sql_mysql_ddl(mc[i].sql, strlen(mc[i].sql), 0, &m);
		T_CHECK(m.unsupported[0] == '\0', "unsupported: %s", m.unsupported);
		if (mc[i].want == NULL) {
			T_CHECK(!found, "found words to translate");
			continue;
		}
		T_CHECK(found, "found nothing to translate");
		T_STREQ(m.note, strlen(m.note), mc[i].note);
		char *got = sql_mariadb_ddl_text(mc[i].sql, strlen(mc[i].sql), &m, none);
		T_CHECK(got != NULL, "out of memory");
		if (got != NULL)
			T_STREQ(got, strlen(got), mc[i].want);
		free(got);
	}
}

/* sql_unwrap_mysql_visibility(): MySQL 8's versioned INVISIBLE and VISIBLE. */
static void
unwrap_visibility(void)
{
	static const struct {
		const char *sql, *want; /* want NULL: unchanged */
	} uv[] = {
		{ "CREATE TABLE `u` (\n  `my_row_id` bigint unsigned NOT NULL AUTO_INCREMENT "
		  "/*!80023 INVISIBLE */,\n  `c` int,\n  PRIMARY KEY (`my_row_id`)\n)",
		  "CREATE TABLE `u` (\n  `my_row_id` bigint unsigned NOT NULL AUTO_INCREMENT "
		  " INVISIBLE ,\n  `c` int,\n  PRIMARY KEY (`my_row_id`)\n)" },
		{ "ALTER TABLE t ADD KEY k (c) /*!80000 INVISIBLE */",
		  "ALTER TABLE t ADD KEY k (c)  INVISIBLE " },
		{ "ALTER TABLE t ALTER INDEX k /*!80000   visible\n*/",
		  "ALTER TABLE t ALTER INDEX k  visible " },
		/* other versions, other words, quotes, comments: left alone */
		{ "CREATE TABLE t (a INT /*!50100 INVISIBLE */)", NULL },
		{ "CREATE TABLE t (a INT /*!80016 NOT ENFORCED */)", NULL },
		{ "CREATE TABLE t (a INT COMMENT '/*!80023 INVISIBLE */')", NULL },
		{ "CREATE TABLE t (a INT COMMENT 'it\\'s /*!80023 INVISIBLE */')", NULL },
		{ "CREATE TABLE `/*!80023 INVISIBLE */` (a INT)", NULL },
		{ "CREATE TABLE t (a INT) -- /*!80023 INVISIBLE */", NULL },
		{ "CREATE TABLE t (a INT /* /*!80023 INVISIBLE */", NULL },
		{ "CREATE TABLE t (a INT /*!8002 INVISIBLE */)", NULL },
		{ "CREATE TABLE t (a INT /*!80023 INVISIBLE", NULL },
		{ "CREATE TABLE t (a INT /*!90100 INVISIBLE */, b INT /*!80023 INVISIBLE */)",
		  "CREATE TABLE t (a INT  INVISIBLE , b INT  INVISIBLE )" },
	};

	for (size_t i = 0; i < sizeof(uv) / sizeof(uv[0]); i++) {
		bool oom;
		char *got;

		T_CASE(uv[i].sql);
		got = sql_unwrap_mysql_visibility(uv[i].sql, strlen(uv[i].sql), 0, &oom);
		T_CHECK(!oom, "out of memory");
		if (uv[i].want == NULL)
			T_CHECK(got == NULL, "changed to \"%s\"", got);
		else {
			T_CHECK(got != NULL, "unchanged");
			if (got != NULL)
				T_STREQ(got, strlen(got), uv[i].want);
		}
		free(got);
	}
}

int
main(void)
{
	struct filter *filters[sizeof(rcfg) / sizeof(rcfg[0])];
	size_t i;

	for (i = 0; i < sizeof(cls) / sizeof(cls[0]); i++) {
		struct sql_info in;
		char refs[4096];
		unsigned flags;

		T_CASE(cls[i].sql);
		memset(&in, 0xa5, sizeof(in));
		sql_classify(cls[i].sql, strlen(cls[i].sql), cls[i].db, &in);
		T_CHECK(in.kind == cls[i].kind, "kind %s, want %s",
		    sql_kind_name(in.kind), sql_kind_name(cls[i].kind));
		T_CHECK(in.object == cls[i].object, "object %d, want %d",
		    in.object, cls[i].object);
		T_STREQ(in.verb, strlen(in.verb), cls[i].verb);
		flags = (in.temporary ? TMP : 0) | (in.if_exists ? IFE : 0) |
		    (in.if_not_exists ? INE : 0) | (in.truncated ? TRN : 0);
		T_CHECK(flags == cls[i].flags, "flags %u, want %u", flags,
		    cls[i].flags);
		refs_text(&in, refs, sizeof(refs));
		T_STREQ(refs, strlen(refs), cls[i].refs);
	}

	{
		/* sql_mode across flavours */
		static const struct {
			const char *name;
			uint64_t mode;
			bool from_maria, to_maria;
			uint64_t want;
			const char *refused;
		} tr[] = {
			/* STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION,... kept */
			{ "same flavour", 0x1ffffffffULL, true, true, 0x1ffffffffULL, NULL },
			{ "same MySQL", 0x1ffffffffULL, false, false, 0x1ffffffffULL, NULL },
			/* MySQL 8 default (ONLY_FULL_GROUP_BY, STRICT_TRANS_TABLES,
			 * NO_ZERO_IN_DATE, NO_ZERO_DATE, ERROR_FOR_DIVISION_BY_ZERO,
			 * NO_ENGINE_SUBSTITUTION) + TIME_TRUNCATE_FRACTIONAL */
			{ "MySQL 8 default + TIME_TRUNCATE_FRACTIONAL",
			    0x45a00020 | 1ULL << 32, false, true, 0x45a00020, NULL },
			{ "MySQL 8 default rounds", 0x45a00020, false, true,
			    0x45a00020 | 1ULL << 34, NULL },
			{ "TIME_TRUNCATE_FRACTIONAL", 1ULL << 32 | 0x200000, false, true,
			    0x200000, NULL },
			{ "MySQL bit 4", 0x10 | 0x4 | 1ULL << 32, false, true, 0x4, NULL },
			{ "MySQL 5.7 NO_AUTO_CREATE_USER", 0x10000000, false, true,
			    0x10000000 | 1ULL << 34, NULL },
			{ "MySQL bit 33", 1ULL << 33, false, true, 0, "?" },
			/* MariaDB 10.11 default: STRICT_TRANS_TABLES,
			 * ERROR_FOR_DIVISION_BY_ZERO, NO_AUTO_CREATE_USER,
			 * NO_ENGINE_SUBSTITUTION */
			{ "MariaDB default truncates", 0x54200000, true, false,
			    0x44200000 | 1ULL << 32, NULL },
			{ "IGNORE_BAD_TABLE_OPTIONS", 0x10 | 0x1 | 1ULL << 34, true, false,
			    0x1, NULL },
			{ "SHOW-only modes", 0x3e000 | 0x40000000 | 1ULL << 34, true, false,
			    0x40000000, NULL },
			{ "POSTGRESQL, DB2", 0x100 | 0x800 | 0xe | 1ULL << 34, true, false,
			    0xe, NULL },
			{ "ORACLE", 0x200 | 0x2, true, false, 0, "ORACLE" },
			{ "MSSQL", 0x400, true, false, 0, "MSSQL" },
			{ "MAXDB", 0x1000, true, false, 0, "MAXDB" },
			{ "EMPTY_STRING_IS_NULL", 1ULL << 32, true, false, 0,
			    "EMPTY_STRING_IS_NULL" },
			{ "SIMULTANEOUS_ASSIGNMENT", 1ULL << 33, true, false, 0,
			    "SIMULTANEOUS_ASSIGNMENT" },
			{ "TIME_ROUND_FRACTIONAL", 1ULL << 34 | 0x200000, true, false,
			    0x200000, NULL },
			{ "MariaDB bit 35", 1ULL << 35, true, false, 0, "?" },
		};
		for (i = 0; i < sizeof(tr) / sizeof(tr[0]); i++) {
			uint64_t got = 0xdeadULL;
			const char *bad;

			T_CASE(tr[i].name);
			bad = sql_mode_translate(tr[i].mode, tr[i].from_maria,
			    tr[i].to_maria, &got);
			if (tr[i].refused == NULL) {
				T_CHECK(bad == NULL, "refused: %s", bad);
				T_CHECK(got == tr[i].want, "mode 0x%llx, want 0x%llx",
				    (unsigned long long)got,
				    (unsigned long long)tr[i].want);
			} else if (strcmp(tr[i].refused, "?") == 0) {
				T_CHECK(bad != NULL, "accepted");
			} else {
				T_CHECK(bad != NULL && strcmp(bad, tr[i].refused) == 0,
				    "refused %s, want %s", bad ? bad : "nothing",
				    tr[i].refused);
			}
		}
	}

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		struct sql_info in;
		char refs[4096];

		T_CASE(modes[i].name);
		sql_classify_mode(modes[i].sql, strlen(modes[i].sql), "d",
		    modes[i].mode, &in);
		T_CHECK(in.kind == modes[i].kind, "kind %s, want %s",
		    sql_kind_name(in.kind), sql_kind_name(modes[i].kind));
		refs_text(&in, refs, sizeof(refs));
		T_STREQ(refs, strlen(refs), modes[i].refs);
	}

	T_CASE("classify does not read past len");
	{
		const char *s = "DROP TABLE t1, t2";
		struct sql_info in;
		char refs[256];

		sql_classify(s, 13, "d", &in);
		refs_text(&in, refs, sizeof(refs));
		T_STREQ(refs, strlen(refs), "t:d.t1");
		sql_classify(s, 4, NULL, &in);
		T_CHECK(in.kind == SQL_OTHER, "DROP alone: %s",
		    sql_kind_name(in.kind));
	}

	for (i = 0; i < sizeof(rcfg) / sizeof(rcfg[0]); i++) {
		char *err = NULL;

		filters[i] = filter_new(NULL, NULL, NULL, NULL, NULL,
		    rcfg[i].db, rcfg[i].tbl, "myshift", &err);
		T_CHECK(filters[i] != NULL, "filter %zu: %s", i, err);
		free(err);
		if (filters[i] == NULL)
			return t_done();
	}
	for (i = 0; i < sizeof(rw) / sizeof(rw[0]); i++) {
		char *out;

		T_CASE(rw[i].sql);
		out = sql_rewrite(rw[i].sql, strlen(rw[i].sql), rw[i].db,
		    filters[rw[i].cfg]);
		T_CHECK(out != NULL, "NULL");
		if (out != NULL)
			T_STREQ(out, strlen(out), rw[i].want);
		free(out);
	}
	for (i = 0; i < sizeof(rw_modes) / sizeof(rw_modes[0]); i++) {
		char *out;

		T_CASE(rw_modes[i].sql);
		out = sql_rewrite_mode(rw_modes[i].sql, strlen(rw_modes[i].sql),
		    "", rw_modes[i].mode, filters[R_DB]);
		T_CHECK(out != NULL, "NULL");
		if (out != NULL)
			T_STREQ(out, strlen(out), rw_modes[i].want);
		free(out);
	}
	T_CASE("rewrite without a filter copies");
	{
		char *out = sql_rewrite("DROP TABLE shop.t", 17, "", NULL);

		T_CHECK(out != NULL && strcmp(out, "DROP TABLE shop.t") == 0,
		    "%s", out ? out : "(null)");
		free(out);
	}
	for (i = 0; i < sizeof(rcfg) / sizeof(rcfg[0]); i++)
		filter_free(filters[i]);

	robustness();
	column_types();
	column_compressed();
	index_visibility();
	unwrap_visibility();
	mariadb_ddl();
	mysql_checks();
	return t_done();
}

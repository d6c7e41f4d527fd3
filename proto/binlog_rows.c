/* proto/binlog_rows.c: placeholder, being written. */

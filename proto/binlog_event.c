/* proto/binlog_event.c: placeholder, being written. */

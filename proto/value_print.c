/* proto/value_print.c: placeholder, being written. */

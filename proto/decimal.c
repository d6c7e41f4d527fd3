/* proto/decimal.c: placeholder, being written. */

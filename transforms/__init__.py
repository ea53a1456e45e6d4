"""Pure core: functions from text/records to records/Arrow tables. No Prefect, no file or network I/O."""

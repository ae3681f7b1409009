"""The log browser's read model, shared by the browser screen and `handterm logs`: paging,
export, a record in words, dates, and fetching the server's records. The SQL it runs lives in
``store.log_index`` and ``store.remote``."""

"""StorageManager: files at local paths, ``file://``, http(s), ``s3://``, ``gs://``, ``azure://`` and this store."""

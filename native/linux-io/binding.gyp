{
  "targets": [
    {
      "target_name": "linux_io",
      "sources": ["module.c", "sendfile.c", "writeback.c", "receive.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"]
    }
  ]
}

{
  "targets": [
    {
      "target_name": "linux_io",
      "sources": [
        "module.c",
        "sendfile.c",
        "writeback.c",
        "receive.c",
        "hash.c",
        "blake3/blake3.c",
        "blake3/blake3_dispatch.c",
        "blake3/blake3_portable.c"
      ],
      "cflags": ["-O2", "-Wall", "-Wextra"],
      "conditions": [
        [
          "target_arch=='x64'",
          {
            "sources": [
              "blake3/blake3_sse2_x86-64_unix.S",
              "blake3/blake3_sse41_x86-64_unix.S",
              "blake3/blake3_avx2_x86-64_unix.S",
              "blake3/blake3_avx512_x86-64_unix.S"
            ]
          },
          {
            "defines": ["BLAKE3_NO_SSE2", "BLAKE3_NO_SSE41", "BLAKE3_NO_AVX2", "BLAKE3_NO_AVX512", "BLAKE3_USE_NEON=0"]
          }
        ]
      ]
    }
  ]
}

{
  "variables": {
    "kernels_c": "<!(node scripts/kernels-c-dir.cjs)",
    "kernels_c_sources": [
      "csrc/kc/kc_attention.c",
      "csrc/kc/kc_conv.c",
      "csrc/kc/kc_elementwise.c",
      "csrc/kc/kc_index.c",
      "csrc/kc/kc_mathf.c",
      "csrc/kc/kc_matmul.c",
      "csrc/kc/kc_optim.c",
      "csrc/kc/kc_reduce.c",
      "csrc/kc/kc_scan.c",
      "csrc/kc/kc_softmax.c",
      "csrc/kc/kc_strided.c"
    ]
  },
  "target_defaults": {
    "include_dirs": ["<(kernels_c)/src"],
    "cflags_c": ["-std=gnu11", "-O3", "-fvisibility=hidden"],
    "xcode_settings": { "GCC_C_LANGUAGE_STANDARD": "gnu11" }
  },
  "targets": [
    {
      "target_name": "kernels_c_base",
      "type": "static_library",
      "sources": ["<@(kernels_c_sources)"],
      "defines": ["TN_VECTOR_BYTES=16", "TN_PREFIX=tn_base_"],
      "cflags_c": ["-include", "<(module_root_dir)/csrc/generated/kc_prefix.h"],
      "xcode_settings": { "OTHER_CFLAGS": ["-include", "<(module_root_dir)/csrc/generated/kc_prefix.h"] }
    },
    {
      "target_name": "tensile_native",
      "sources": [
        "csrc/addon.cc",
        "csrc/args.cc",
        "csrc/storage.cc",
        "csrc/pool.cc",
        "csrc/kernels.cc"
      ],
      "dependencies": ["kernels_c_base"],
      "conditions": [
        ["target_arch=='x64'", { "dependencies": ["kernels_c_avx2"] }]
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")", "<(kernels_c)/include"],
      "defines": ["NAPI_VERSION=8"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-O3", "-fexceptions", "-ffp-contract=off", "-fvisibility=hidden"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "OTHER_CPLUSPLUSFLAGS": ["-O3", "-ffp-contract=off"]
      },
      "msvs_settings": {
        "VCCLCompilerTool": { "ExceptionHandling": 1, "AdditionalOptions": ["/std:c++17"] }
      }
    }
  ],
  "conditions": [
    ["target_arch=='x64'", {
      "targets": [
        {
          "target_name": "kernels_c_avx2",
          "type": "static_library",
          "sources": ["<@(kernels_c_sources)"],
          "defines": ["TN_VECTOR_BYTES=32", "TN_PREFIX=tn_avx2_"],
          "cflags_c": ["-mavx2", "-mfma", "-include", "<(module_root_dir)/csrc/generated/kc_prefix.h"],
          "xcode_settings": { "OTHER_CFLAGS": ["-mavx2", "-mfma", "-include", "<(module_root_dir)/csrc/generated/kc_prefix.h"] }
        }
      ]
    }]
  ]
}

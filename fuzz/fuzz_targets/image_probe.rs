#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| hoso_fuzz::entries::image_probe(data));

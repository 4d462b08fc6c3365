#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| authdeck_core::fuzzing::device_authorization(data));

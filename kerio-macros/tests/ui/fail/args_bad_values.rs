#[kerio_macros::extend(api = "admn")]
mod unknown_api {}

#[kerio_macros::extend(api = admin)]
mod not_a_string {}

#[kerio_macros::extend(api = "admin", ext_trait = "Firmware Ext")]
mod bad_trait_name {}

#[kerio_macros::extend(api: "admin")]
mod bad_syntax {}

fn main() {}

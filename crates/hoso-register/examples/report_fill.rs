//! Fills a register for `cargo xtask bench report`: `--entries N` entries over the twelve
//! months of 2026, in batches of 1 000 (one transaction and signed tree head each), three
//! stations, dossiers of ~4 entries (received, digitized, sometimes reused, a result or an
//! outgoing letter with the resolved date) — the shape of a ward's year of work.
//!
//! Usage: `report_fill --path FILE --entries N` (an existing FILE is kept if it has N entries).

use std::path::PathBuf;

use hoso_register::{sha256_bytes, CreateOptions, EntryKind, NewEntry, Register, Role};
use time::{Date, Duration, Month, Time};

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn entry(i: u64, day: Date) -> NewEntry {
    let dossier = i / 4;
    let code = format!(
        "000.00.15.H12-{:02}{:02}{:02}-{:04}",
        day.year() % 100,
        u8::from(day.month()),
        day.day(),
        dossier % 10_000
    );
    let d = format!(
        "{:04}-{:02}-{:02}",
        day.year(),
        u8::from(day.month()),
        day.day()
    );
    let file = sha256_bytes(format!("bench file {i}").as_bytes());
    let e = NewEntry::new(EntryKind::Dossier, file).with_dossier_code(&code);
    match i % 4 {
        0 => e
            .with_role(Role::Received)
            .with_received_on(&d)
            .with_procedure_code("1.001193"),
        1 => e.with_role(Role::Digitized).with_received_on(&d),
        2 if dossier.is_multiple_of(3) => NewEntry::new(EntryKind::Signed, file)
            .with_dossier_code(&code)
            .with_role(Role::Result)
            .with_resolved_on(&d),
        2 => NewEntry::new(EntryKind::Signed, file)
            .with_dossier_code(&code)
            .with_resolved_on(&d),
        _ => NewEntry::new(EntryKind::Signed, file),
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = PathBuf::from(arg("--path").ok_or("--path FILE")?);
    let n: u64 = arg("--entries")
        .unwrap_or_else(|| "1000000".into())
        .parse()?;
    if path.exists() {
        if Register::open_read_only(&path)?.size()? == n {
            println!("{}: {n} entries already", path.display());
            return Ok(());
        }
        std::fs::remove_file(&path)?;
    }
    let stations = ["Một cửa 1", "Một cửa 2", "Một cửa 3"];
    let mut reg = Register::create(&path, &CreateOptions::for_station(stations[0]))?;
    let start = Date::from_calendar_date(2026, Month::January, 1)?;
    let per_day = n.div_ceil(365).max(1);
    let mut i = 0;
    while i < n {
        let day = start + Duration::days((i / per_day) as i64);
        let at = day.with_time(Time::from_hms(2, 0, 0)?).assume_utc();
        reg.set_clock(Box::new(move || at));
        reg.set_station(stations[(i / 1000) as usize % 3]);
        let batch: Vec<NewEntry> = (i..(i + 1000).min(n)).map(|k| entry(k, day)).collect();
        i += batch.len() as u64;
        reg.append_batch(batch)?;
    }
    println!("{}: {n} entries", path.display());
    Ok(())
}

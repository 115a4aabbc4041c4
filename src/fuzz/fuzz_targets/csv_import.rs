//! CSV import: any text may be refused, none may panic; an accepted file keeps
//! the rules, and a refused one reports errors that add up.
#![no_main]

use checkpoint_core::ingest::csv::{self, CsvBatch, MAX_REPORTED, MAX_ROWS};
use checkpoint_fuzz::{check_deployment, check_incident};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match csv::parse(&text) {
        Ok(batch) => {
            assert!(
                !batch.is_empty() && batch.len() <= MAX_ROWS,
                "{} {} accepted",
                batch.len(),
                batch.kind()
            );
            match &batch {
                CsvBatch::Deployments(d) => d.iter().for_each(check_deployment),
                CsvBatch::Incidents(i) => i.iter().for_each(check_incident),
            }
        }
        Err(report) => {
            assert!(!report.errors.is_empty(), "a refusal without a reason: {report:?}");
            assert!(
                report.errors.len() <= MAX_REPORTED,
                "{} errors reported, more than {MAX_REPORTED}",
                report.errors.len()
            );
            assert!(
                report.total >= report.errors.len(),
                "total {} < {} errors listed",
                report.total,
                report.errors.len()
            );
            for e in &report.errors {
                // `row` is a usize, so >= 0 holds by type; 0 means the file as
                // a whole was refused, and then that is the only error.
                if e.row == 0 {
                    assert!(
                        report.total == 1 && e.column.is_empty(),
                        "a file-level error among others: {report:?}"
                    );
                }
            }
        }
    }
});

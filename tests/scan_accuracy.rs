//! Accuracy of page cleanup on synthetic scans with known skew, quarter turn, border, noise and
//! bleed-through (issue 7): deskew within 0.3°, orientation ≥ 98% correct, blank pages found with
//! ≥ 98% precision and recall, crop IoU ≥ 0.97. Prints the figures.

use hoso_scan::clean::{clean_page, CleanOptions};
use hoso_scan::synth::{random_spec, render, Fonts};
use std::time::Instant;

/// Pages in the run: enough that one orientation miss in fifty is visible.
const PAGES: u64 = 160;
const DPI: u32 = 200;

struct Outcome {
    seed: u64,
    blank_truth: bool,
    blank_found: bool,
    blank_score: f64,
    skew_error: f64,
    turn_ok: bool,
    turn: (u16, u16),
    iou: f64,
    clean_ms: f64,
}

#[test]
fn cleanup_meets_accuracy_thresholds_on_synthetic_scans() {
    let fonts = Fonts::load_system().unwrap_or_else(|e| panic!("{e}"));
    let opts = CleanOptions::default();
    let run = |seed: u64| {
        let spec = random_spec(seed, DPI);
        let page = render(&fonts, &spec);
        let img = image::DynamicImage::ImageRgb8(page.image);
        let t = Instant::now();
        let cleaned = clean_page(&img, DPI, &opts);
        let clean_ms = t.elapsed().as_secs_f64() * 1e3;
        let r = cleaned.report;
        Outcome {
            seed,
            blank_truth: page.truth.blank,
            blank_found: r.blank,
            blank_score: r.blank_score,
            skew_error: (r.skew_degrees - page.truth.skew_degrees).abs(),
            turn_ok: r.quarter_turn == page.truth.quarter_turn_cw,
            turn: (r.quarter_turn, page.truth.quarter_turn_cw),
            iou: r.crop.iou(&page.truth.paper_box),
            clean_ms,
        }
    };
    use rayon::prelude::*;
    let outcomes: Vec<Outcome> = (0..PAGES).into_par_iter().map(run).collect();

    let text: Vec<&Outcome> = outcomes.iter().filter(|o| !o.blank_truth).collect();
    let tp = outcomes
        .iter()
        .filter(|o| o.blank_truth && o.blank_found)
        .count() as f64;
    let fp = outcomes
        .iter()
        .filter(|o| !o.blank_truth && o.blank_found)
        .count() as f64;
    let fn_ = outcomes
        .iter()
        .filter(|o| o.blank_truth && !o.blank_found)
        .count() as f64;
    let precision = if tp + fp > 0.0 { tp / (tp + fp) } else { 0.0 };
    let recall = if tp + fn_ > 0.0 { tp / (tp + fn_) } else { 0.0 };
    let mut skew: Vec<f64> = text.iter().map(|o| o.skew_error).collect();
    skew.sort_by(f64::total_cmp);
    let skew_mean = skew.iter().sum::<f64>() / skew.len() as f64;
    let skew_max = skew.last().copied().unwrap_or(f64::NAN);
    let turn_acc = text.iter().filter(|o| o.turn_ok).count() as f64 / text.len() as f64;
    let iou_min = outcomes.iter().map(|o| o.iou).fold(f64::INFINITY, f64::min);
    let iou_mean = outcomes.iter().map(|o| o.iou).sum::<f64>() / outcomes.len() as f64;
    let mut ms: Vec<f64> = outcomes.iter().map(|o| o.clean_ms).collect();
    ms.sort_by(f64::total_cmp);

    println!(
        "pages: {} ({} with text, {} blank), {DPI} dpi",
        outcomes.len(),
        text.len(),
        tp + fn_
    );
    println!(
        "deskew error: mean {skew_mean:.3}°, p95 {:.3}°, max {skew_max:.3}°",
        skew[skew.len() * 95 / 100]
    );
    println!("orientation: {:.1}% correct", turn_acc * 100.0);
    println!(
        "blank pages: precision {:.1}%, recall {:.1}%",
        precision * 100.0,
        recall * 100.0
    );
    println!("crop IoU: min {iou_min:.4}, mean {iou_mean:.4}");
    println!(
        "cleanup time per page: median {:.0} ms, max {:.0} ms",
        ms[ms.len() / 2],
        ms[ms.len() - 1]
    );
    for o in &outcomes {
        if (!o.blank_truth && (o.skew_error > 0.3 || !o.turn_ok))
            || o.blank_truth != o.blank_found
            || o.iou < 0.97
        {
            println!(
                "  miss: seed {} blank {}/{} score {:.5} skew err {:.3} turn {:?} iou {:.4}",
                o.seed, o.blank_found, o.blank_truth, o.blank_score, o.skew_error, o.turn, o.iou
            );
        }
    }
    assert!(skew_max <= 0.3, "deskew error {skew_max:.3}° > 0.3°");
    assert!(
        turn_acc >= 0.98,
        "orientation {:.1}% < 98%",
        turn_acc * 100.0
    );
    assert!(
        precision >= 0.98 && recall >= 0.98,
        "blank precision/recall below 98%"
    );
    assert!(iou_min >= 0.97, "crop IoU {iou_min:.4} < 0.97");
}

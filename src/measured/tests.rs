use super::*;

const T0: i64 = 1_700_000_000_000; // the window's end in these tests

fn window(days: i64) -> Window {
    Window {
        from: T0 - days * DAY_MS,
        to: T0,
    }
}

fn deploy(id: &str, env: &str, status: Status, finished_at: i64, commits: &[(&str, i64)]) -> Deployment {
    Deployment {
        id: id.into(),
        service: "api".into(),
        environment: env.into(),
        status,
        started_at: None,
        finished_at,
        commits: commits
            .iter()
            .map(|(sha, at)| Commit {
                sha: sha.to_string(),
                committed_at: *at,
            })
            .collect(),
        rework: false,
        source: Source::Api,
    }
}

fn incident(id: &str, opened_at: i64, resolved_at: Option<i64>) -> Incident {
    Incident {
        id: id.into(),
        service: "api".into(),
        opened_at,
        started_at: None,
        resolved_at,
        deployment_id: None,
        commit_sha: None,
        source: Source::Api,
        choice: None,
    }
}

const OK: Status = Status::Success;
const FAIL: Status = Status::Failure;

#[test]
fn a_commit_counts_once_from_its_first_successful_production_deployment() {
    let d = [
        deploy("staging", "staging", OK, T0 - 10 * DAY_MS, &[("a", T0 - 11 * DAY_MS)]),
        deploy(
            "failed",
            "production",
            FAIL,
            T0 - 9 * DAY_MS,
            &[("a", T0 - 11 * DAY_MS)],
        ),
        deploy(
            "first",
            "Prod",
            OK,
            T0 - 8 * DAY_MS,
            &[("a", T0 - 11 * DAY_MS), ("b", T0 - 8 * DAY_MS - 2 * HOUR_MS)],
        ),
        deploy("again", "production", OK, T0 - 2 * DAY_MS, &[("a", T0 - 11 * DAY_MS)]),
    ];
    let m = measure(&d, &[], window(30), Benchmark::default());
    // a: 3 days (first success, not the staging or failed attempt, not the redeploy); b: 2 hours.
    assert_eq!(m.lead_time.changes, 2);
    assert_eq!(m.lead_time.median_seconds, Some((3.0 * 24.0 + 2.0) / 2.0 * 3600.0));
    assert_eq!(m.lead_time.answer.as_deref(), Some("one_day_to_one_week"));
    // Staging is never counted; the failed attempt is.
    assert_eq!((m.change_failure_rate.failed, m.change_failure_rate.total), (1, 3));
    assert_eq!(m.change_failure_rate.percent, Some(33));
    assert_eq!(m.change_failure_rate.answer.as_deref(), Some("31-45"));
    assert_eq!(m.deployment_frequency.deployments, 2);
}

#[test]
fn a_commit_first_deployed_before_the_window_is_not_in_its_lead_time() {
    let d = [
        deploy("old", "production", OK, T0 - 40 * DAY_MS, &[("a", T0 - 41 * DAY_MS)]),
        deploy(
            "new",
            "production",
            OK,
            T0 - DAY_MS,
            &[("a", T0 - 41 * DAY_MS), ("b", T0 - DAY_MS - 30 * 60_000)],
        ),
    ];
    let m = measure(&d, &[], window(30), Benchmark::default());
    assert_eq!(
        (m.lead_time.changes, m.lead_time.answer.as_deref()),
        (1, Some("less_than_one_hour"))
    );
}

#[test]
fn incidents_link_explicitly_by_commit_or_by_inference() {
    let d = [
        deploy("d1", "production", OK, T0 - 5 * DAY_MS, &[("a", T0 - 6 * DAY_MS)]),
        deploy("d2", "production", OK, T0 - 4 * DAY_MS, &[("b", T0 - 5 * DAY_MS)]),
        deploy("d3", "production", OK, T0 - 3 * DAY_MS, &[("c", T0 - 4 * DAY_MS)]),
        deploy("d4", "production", OK, T0 - 2 * DAY_MS, &[]),
    ];
    let prod: Vec<&Deployment> = d.iter().collect();
    let first = first_deployments(&prod);
    let mut explicit = incident("i1", T0 - DAY_MS, None);
    explicit.deployment_id = Some("d1".into());
    let mut by_sha = incident("i2", T0 - DAY_MS, None);
    by_sha.commit_sha = Some("b".into());
    let mut inferred = incident("i3", T0 - 2 * DAY_MS - HOUR_MS, None);
    inferred.started_at = Some(T0 - 3 * DAY_MS + HOUR_MS); // impact began after d3, before d4
    assert_eq!(
        link_incident(&explicit, &prod, &first, true).map(|(d, l)| (d.id.as_str(), l)),
        Some(("d1", Link::Explicit))
    );
    assert_eq!(
        link_incident(&by_sha, &prod, &first, true).map(|(d, l)| (d.id.as_str(), l)),
        Some(("d2", Link::Commit))
    );
    assert_eq!(
        link_incident(&inferred, &prod, &first, true).map(|(d, l)| (d.id.as_str(), l)),
        Some(("d3", Link::Inferred))
    );
    assert_eq!(
        link_incident(&inferred, &prod, &first, false),
        None,
        "inference can be turned off"
    );
    let m = measure(&d, &[explicit, by_sha, inferred], window(30), Benchmark::default());
    // Three of four deployments failed by linked incidents: 75 %.
    assert_eq!(
        (m.change_failure_rate.failed, m.change_failure_rate.percent),
        (3, Some(75))
    );
    assert_eq!(m.change_failure_rate.answer.as_deref(), Some("61-75"));
}

#[test]
fn time_to_restore_counts_incidents_resolved_in_the_window_from_when_impact_began() {
    let mut began_earlier = incident("a", T0 - 3 * DAY_MS, Some(T0 - 3 * DAY_MS + 2 * HOUR_MS));
    began_earlier.started_at = Some(T0 - 3 * DAY_MS - 2 * HOUR_MS); // 4 h of impact
    let open = incident("open", T0 - DAY_MS, None);
    let quick = incident("b", T0 - 2 * DAY_MS, Some(T0 - 2 * DAY_MS + 30 * 60_000));
    let before = incident("old", T0 - 60 * DAY_MS, Some(T0 - 59 * DAY_MS));
    let m = measure(
        &[],
        &[began_earlier, open, quick, before],
        window(30),
        Benchmark::default(),
    );
    assert_eq!(
        m.time_to_restore.incidents, 2,
        "open incidents and those resolved before the window are left out"
    );
    assert_eq!(m.time_to_restore.median_seconds, Some((4.0 * 3600.0 + 1800.0) / 2.0));
    assert_eq!(m.time_to_restore.answer.as_deref(), Some("less_than_one_day"));
}

#[test]
fn an_empty_window_has_null_answers_never_made_up_ones() {
    let m = measure(&[], &[], window(91), Benchmark::default());
    assert_eq!(m.lead_time.answer, None);
    assert_eq!(m.change_failure_rate.answer, None);
    assert_eq!(m.time_to_restore.answer, None);
    assert_eq!(m.maturity, None);
    // No attempt in the window and no success in 182 days: no data, no answer.
    assert_eq!(m.deployment_frequency.answer, None);
    // A squad that tried and never succeeded in 182 days does have an answer: the worst.
    let failed = [deploy("f", "production", FAIL, T0 - 3 * DAY_MS, &[])];
    let m = measure(&failed, &[], window(91), Benchmark::default());
    assert_eq!(
        m.deployment_frequency.answer.as_deref(),
        Some("fewer_than_once_per_six_months")
    );
    // A success in the 182 days before the window's end is data, even outside the window.
    let earlier = [deploy("e", "production", OK, T0 - 120 * DAY_MS, &[])];
    let m = measure(&earlier, &[], window(91), Benchmark::default());
    assert_eq!(m.deployment_frequency.answer.as_deref(), Some("monthly_to_six_monthly"));
}

#[test]
fn a_window_shorter_than_a_week_has_no_frequency_answer() {
    let d = [deploy("d", "production", OK, T0 - HOUR_MS, &[])];
    let m = measure(&d, &[], window(6), Benchmark::default());
    assert_eq!(
        (m.deployment_frequency.answer, m.deployment_frequency.deployments),
        (None, 1)
    );
}

#[test]
fn deployment_frequency_follows_the_first_rule_that_holds() {
    let daily = |days: i64, per_day: i64, every: i64| -> Vec<Deployment> {
        (0..days)
            .filter(|d| d % every == 0)
            .flat_map(|d| {
                (0..per_day).map(move |k| {
                    deploy(
                        &format!("{d}-{k}"),
                        "production",
                        OK,
                        T0 - d * DAY_MS - (k + 1) * HOUR_MS,
                        &[],
                    )
                })
            })
            .collect()
    };
    let answer = |d: &[Deployment]| {
        measure(d, &[], window(28), Benchmark::default())
            .deployment_frequency
            .answer
            .unwrap()
    };
    assert_eq!(answer(&daily(28, 2, 1)), "on_demand");
    assert_eq!(answer(&daily(28, 1, 1)), "hourly_to_daily");
    assert_eq!(answer(&daily(28, 1, 7)), "daily_to_weekly");
    // One deploy every three weeks: most weeks have none, but every whole 30-day period has one.
    let m = measure(&daily(91, 1, 21), &[], window(91), Benchmark::default());
    assert_eq!(m.deployment_frequency.answer.as_deref(), Some("weekly_to_monthly"));
    assert_eq!(m.deployment_frequency.deploy_days_per_week, Some(0.0));
    let rare = [deploy("d", "production", OK, T0 - 100 * DAY_MS, &[])];
    assert_eq!(
        measure(&rare, &[], window(91), Benchmark::default())
            .deployment_frequency
            .answer
            .as_deref(),
        Some("monthly_to_six_monthly")
    );
}

#[test]
fn percentages_round_half_up_and_answers_follow_the_thresholds() {
    let mut d: Vec<Deployment> = (0..8)
        .map(|i| deploy(&format!("d{i}"), "production", OK, T0 - (i + 1) * HOUR_MS, &[]))
        .collect();
    d[0].status = FAIL; // 1 of 8 = 12.5 % → 13
    let m = measure(&d, &[], window(7), Benchmark::default());
    assert_eq!(m.change_failure_rate.percent, Some(13));
    assert_eq!(failure_answer(15), "0-15");
    assert_eq!(failure_answer(16), "16-30");
    assert_eq!(failure_answer(76), "76-100");
    assert_eq!(duration_answer((HOUR_MS - 1) as f64), "less_than_one_hour");
    assert_eq!(duration_answer(HOUR_MS as f64), "less_than_one_day");
    assert_eq!(duration_answer((182 * DAY_MS) as f64), "more_than_six_months");
    assert_eq!(median(&mut [3.0, 1.0, 2.0, 10.0]), Some(2.5));
}

#[test]
fn all_four_answers_give_a_measured_maturity() {
    let mut d = Vec::new();
    for day in 0..28 {
        for k in 0..2 {
            let at = T0 - day * DAY_MS - (k + 1) * HOUR_MS;
            let sha = format!("{day}-{k}");
            d.push(deploy(&sha, "production", OK, at, &[(sha.as_str(), at - 30 * 60_000)]));
        }
    }
    let quick = incident("i", T0 - 3 * DAY_MS, Some(T0 - 3 * DAY_MS + 20 * 60_000));
    // The incident is inferred onto one deployment: 1 of 56 failed, 2 %.
    let m = measure(&d, &[quick], window(28), Benchmark::default());
    assert_eq!(m.deployment_frequency.answer.as_deref(), Some("on_demand"));
    assert_eq!(m.lead_time.answer.as_deref(), Some("less_than_one_hour"));
    assert_eq!(m.change_failure_rate.percent, Some(2));
    assert_eq!(m.time_to_restore.answer.as_deref(), Some("less_than_one_hour"));
    assert_eq!(m.maturity.map(|x| x.level), Some(Level::Elite));
}

#[test]
fn an_incident_after_a_past_window_is_inferred_onto_the_deployment_before_it_not_onto_the_window() {
    // The window ends 10 days before T0; the service deployed in it and after it.
    let past = Window {
        from: T0 - 40 * DAY_MS,
        to: T0 - 10 * DAY_MS,
    };
    let d = [
        deploy("in", "production", OK, T0 - 20 * DAY_MS, &[]),
        deploy("after", "production", OK, T0 - 5 * DAY_MS, &[]),
    ];
    let later = incident("later", T0 - 4 * DAY_MS, None);
    let m = measure(&d, std::slice::from_ref(&later), past, Benchmark::default());
    assert_eq!(
        (m.change_failure_rate.failed, m.change_failure_rate.total),
        (0, 1),
        "the incident belongs to the deployment after the window"
    );
    // The same incident does count in a window that holds its deployment.
    let m = measure(&d, &[later], window(10), Benchmark::default());
    assert_eq!((m.change_failure_rate.failed, m.change_failure_rate.total), (1, 1));
}

#[test]
fn explicit_and_commit_links_to_deployments_after_the_window_are_not_inferred_onto_it() {
    let past = Window {
        from: T0 - 40 * DAY_MS,
        to: T0 - 10 * DAY_MS,
    };
    let d = [
        deploy("in", "production", OK, T0 - 20 * DAY_MS, &[("a", T0 - 21 * DAY_MS)]),
        deploy("after", "production", OK, T0 - 5 * DAY_MS, &[("b", T0 - 6 * DAY_MS)]),
    ];
    // Impact began in the window, so inference would pick "in"; the links say otherwise.
    let mut explicit = incident("explicit", T0 - 15 * DAY_MS, None);
    explicit.deployment_id = Some("after".into());
    let mut by_sha = incident("by-sha", T0 - 15 * DAY_MS, None);
    by_sha.commit_sha = Some("b".into());
    let links = link_incidents(&d, &[explicit.clone(), by_sha.clone()]);
    assert_eq!(
        links
            .iter()
            .map(|l| (l.deployment.as_str(), l.link))
            .collect::<Vec<_>>(),
        [("after", Link::Explicit), ("after", Link::Commit)]
    );
    let m = measure(&d, &[explicit, by_sha], past, Benchmark::default());
    assert_eq!((m.change_failure_rate.failed, m.change_failure_rate.total), (0, 1));
}

#[test]
fn a_commit_link_goes_to_the_commits_first_deployment_even_before_the_window() {
    let d = [
        deploy("first", "production", OK, T0 - 40 * DAY_MS, &[("a", T0 - 41 * DAY_MS)]),
        deploy("again", "production", OK, T0 - 5 * DAY_MS, &[("a", T0 - 41 * DAY_MS)]),
    ];
    let mut by_sha = incident("by-sha", T0 - DAY_MS, None);
    by_sha.commit_sha = Some("a".into());
    let m = measure(&d, &[by_sha], window(30), Benchmark::default());
    assert_eq!(
        (m.change_failure_rate.failed, m.change_failure_rate.total),
        (0, 1),
        "a redeploy of a commit is not its first deployment"
    );
}

#[test]
fn the_weeks_failures_and_attempts_add_up_to_the_window() {
    use crate::measured::report::{weekly, weeks};
    // A deployment a day for 28 days, an incident every third day, the last
    // ones after the window (which ends 7 days before T0).
    let past = Window {
        from: T0 - 35 * DAY_MS,
        to: T0 - 7 * DAY_MS,
    };
    let d: Vec<Deployment> = (0..35)
        .map(|k| {
            deploy(
                &format!("d{k}"),
                "production",
                if k % 5 == 0 { FAIL } else { OK },
                T0 - k * DAY_MS - HOUR_MS,
                &[],
            )
        })
        .collect();
    let i: Vec<Incident> = (0..35)
        .filter(|k| k % 3 == 0)
        .map(|k| incident(&format!("i{k}"), T0 - k * DAY_MS, None))
        .collect();
    let whole = measure(&d, &i, past, Benchmark::default());
    let links = link_incidents(&d, &i);
    let rows = weekly(&Prepared::new(&d, &links), &i, past, Benchmark::default());
    assert_eq!(rows.len(), weeks(past).len());
    let sum = |f: fn(&Measured) -> usize| rows.iter().map(f).sum::<usize>();
    assert_eq!(sum(|m| m.change_failure_rate.failed), whole.change_failure_rate.failed);
    assert_eq!(sum(|m| m.change_failure_rate.total), whole.change_failure_rate.total);
    // And each week is the definition over that week.
    for (w, row) in weeks(past).into_iter().zip(&rows) {
        assert_eq!(row, &measure(&d, &i, w, Benchmark::default()));
    }
}

#[test]
fn a_requested_window_ends_after_it_starts_and_spans_at_most_two_years() {
    assert_eq!(
        BoundedWindow::parse(0, MAX_WINDOW_DAYS * DAY_MS).map(|w| w.get().days()),
        Ok(731)
    );
    assert_eq!(
        BoundedWindow::parse(0, MAX_WINDOW_DAYS * DAY_MS + 1).unwrap_err().field,
        "from"
    );
    assert_eq!(BoundedWindow::parse(5, 5).unwrap_err().field, "to");
    assert_eq!(BoundedWindow::parse(6, 5).unwrap_err().field, "to");
}

#[test]
fn a_persons_choice_wins_over_the_id_the_commit_and_inference() {
    let d = [
        deploy("d1", "production", OK, T0 - 5 * DAY_MS, &[("a", T0 - 6 * DAY_MS)]),
        deploy("d2", "production", OK, T0 - 4 * DAY_MS, &[]),
        deploy("stage", "staging", OK, T0 - 3 * DAY_MS, &[]),
    ];
    let prod: Vec<&Deployment> = d.iter().filter(|d| is_production(&d.environment)).collect();
    let first = first_deployments(&prod);
    let mut i = incident("i1", T0 - DAY_MS, None);
    i.deployment_id = Some("d1".into());
    i.commit_sha = Some("a".into());
    let chose = |choice: LinkChoice| {
        Some(Choice {
            choice,
            by: "fran".into(),
            at: 0,
        })
    };
    i.choice = chose(LinkChoice::Unlinked);
    assert_eq!(link_incident(&i, &prod, &first, true), None, "unlinked: never inferred");
    i.choice = chose(LinkChoice::Relinked {
        deployment: "d2".into(),
    });
    assert_eq!(
        link_incident(&i, &prod, &first, false).map(|(d, l)| (d.id.as_str(), l)),
        Some(("d2", Link::Chosen))
    );
    i.choice = chose(LinkChoice::Relinked {
        deployment: "stage".into(),
    });
    assert_eq!(
        link_incident(&i, &prod, &first, true),
        None,
        "a relink to no production deployment ties it to none, not back to the rules"
    );
}

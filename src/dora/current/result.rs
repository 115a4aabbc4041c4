//! The answer of a current-edition check, shaped as `POST /api/v1/assess`
//! returns it (issue 15, point 3): scores with one decimal, benchmark means
//! with two, and no level or percentile.

use serde::{Deserialize, Serialize};

use super::benchmarks::{compare_industry, compare_org_size, Comparison, IndustryKey, OrgSizeKey};
use super::capabilities::RECOMMENDED;
use super::score::{round1, Scores};
use super::{CurrentAnswers, CurrentInput, Edition, Metric};
use crate::dora::capabilities::CapabilityKey;

/// Each metric's score, one decimal.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(description = "Each metric's score, 0 to 10 (10 best), one decimal.")
)]
pub struct MetricScores {
    pub lead_time: f64,
    pub deploy_frequency: f64,
    pub time_to_restore: f64,
    pub change_failure_rate: f64,
    /// Present exactly in the 2025 edition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub rework_rate: Option<f64>,
}

impl MetricScores {
    /// The shown score of one metric; `None` for rework in 2024.
    pub fn metric(&self, metric: Metric) -> Option<f64> {
        match metric {
            Metric::LeadTime => Some(self.lead_time),
            Metric::DeployFrequency => Some(self.deploy_frequency),
            Metric::TimeToRestore => Some(self.time_to_restore),
            Metric::ChangeFailureRate => Some(self.change_failure_rate),
            Metric::ReworkRate => self.rework_rate,
        }
    }
}

/// The squad's figures beside the chosen industry and, when asked for, organisation size.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Comparisons {
    /// The industry asked for, all industries by default.
    pub industry: Comparison,
    /// Present only when the request named an organisation size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub org_size: Option<Comparison>,
}

// Deserialize: a summary revision keeps its figures as they were computed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(
        description = "The answer in a current edition (2024, 2025): scores 0 to 10 (10 best) with one decimal, rounded half away from zero; no level and no percentile."
    )
)]
pub struct CurrentAssessment {
    pub benchmark: Edition,
    /// Mean of the edition's metric scores.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10))]
    pub score: f64,
    /// Mean of lead time, deployment frequency and recovery time.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10))]
    pub throughput: f64,
    /// Mean of change failure rate and, in 2025, rework rate.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10))]
    pub stability: f64,
    /// Always null: the current editions give no level (never map a 0–10 score to one).
    #[cfg_attr(feature = "openapi", schema(schema_with = always_null))]
    pub level: (),
    /// Always null, as `level`.
    #[cfg_attr(feature = "openapi", schema(schema_with = always_null))]
    pub percentile: (),
    pub metrics: MetricScores,
    pub comparison: Comparisons,
    /// The same three for everyone in the current editions: ci, architecture, westrum.
    #[cfg_attr(feature = "openapi", schema(min_items = 3, max_items = 3))]
    pub recommended_capabilities: Vec<CapabilityKey>,
}

/// `level` and `percentile` of a current-edition answer.
#[cfg(feature = "openapi")]
fn always_null() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::Null)
        .description(Some("Always null in the current editions."))
        .build()
}

impl CurrentAssessment {
    /// The figures of one set of answers, shown with one decimal.
    pub fn of(answers: &CurrentAnswers, comparison: Comparisons) -> CurrentAssessment {
        let s = Scores::of(answers);
        CurrentAssessment {
            benchmark: answers.edition(),
            score: round1(s.overall),
            throughput: round1(s.throughput),
            stability: round1(s.stability),
            level: (),
            percentile: (),
            metrics: MetricScores {
                lead_time: round1(s.lead_time),
                deploy_frequency: round1(s.deploy_frequency),
                time_to_restore: round1(s.time_to_restore),
                change_failure_rate: round1(s.change_failure_rate),
                rework_rate: s.rework_rate.map(round1),
            },
            comparison,
            recommended_capabilities: RECOMMENDED.to_vec(),
        }
    }
}

impl Comparisons {
    /// The industry's benchmark, and the organisation size's when one is
    /// given and `edition` publishes it (2025 has no 10-to-19 band).
    pub fn of(edition: Edition, industry: IndustryKey, org_size: Option<OrgSizeKey>) -> Comparisons {
        Comparisons {
            industry: compare_industry(edition, industry),
            org_size: org_size.and_then(|k| compare_org_size(edition, k)),
        }
    }
}

/// Scores a parsed check and compares it as the request asked.
pub fn assess_current(input: &CurrentInput) -> CurrentAssessment {
    let edition = input.answers.edition();
    CurrentAssessment::of(&input.answers, Comparisons::of(edition, input.industry, input.org_size))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dora::current::{CurrentFields, Percent, RawPercent};
    use crate::dora::Question;
    use proptest::prelude::*;
    use serde_json::json;

    fn fields_2025<'a>(cfr: &'a str, rw: &'a str) -> CurrentFields<'a> {
        CurrentFields {
            benchmark: Some("2025"),
            lead_time: Some("less_than_one_day"),
            deploy_frequency: Some("daily_to_weekly"),
            time_to_restore: Some("less_than_one_hour"),
            change_failure_rate: Some(RawPercent::Text(cfr)),
            rework_rate: Some(RawPercent::Text(rw)),
            ..CurrentFields::default()
        }
    }

    #[test]
    fn worked_check_2025_all_industries() {
        let a = assess_current(&CurrentInput::parse(&fields_2025("12", "25")).unwrap());
        assert_eq!((a.score, a.throughput, a.stability), (8.1, 8.0, 8.2));
        assert_eq!(
            a.metrics,
            MetricScores {
                lead_time: 8.0,
                deploy_frequency: 6.0,
                time_to_restore: 10.0,
                change_failure_rate: 8.8,
                rework_rate: Some(7.5),
            }
        );
        assert_eq!(a.comparison.industry.score.mean, 6.72);
        assert_eq!(a.comparison.industry.score.sd, 1.2);
        assert_eq!(a.comparison.industry.change_failure_rate.mean, 8.1);
        assert_eq!(a.comparison.industry.change_failure_rate.sd, 2.1);
    }

    #[test]
    fn each_metric_is_read_by_its_name() {
        let a = assess_current(&CurrentInput::parse(&fields_2025("12", "25")).unwrap());
        let shown: Vec<Option<f64>> = Metric::ALL.iter().map(|m| a.metrics.metric(*m)).collect();
        assert_eq!(shown, [Some(8.0), Some(6.0), Some(10.0), Some(8.8), Some(7.5)]);
        let c = a.comparison.industry;
        assert_eq!(
            c.metric(Metric::ChangeFailureRate).map(|m| (m.mean, m.sd)),
            Some((8.1, 2.1))
        );
        assert_eq!(c.metric(Metric::LeadTime).map(|m| m.mean), Some(5.5));
        assert_eq!(c.metric(Metric::ReworkRate).map(|m| m.mean), Some(7.8));
        let mut y2024 = fields_2025("12", "");
        y2024.benchmark = Some("2024");
        y2024.rework_rate = None;
        let b = assess_current(&CurrentInput::parse(&y2024).unwrap());
        assert_eq!(
            (
                b.metrics.metric(Metric::ReworkRate),
                b.comparison.industry.metric(Metric::ReworkRate)
            ),
            (None, None)
        );
    }

    #[test]
    fn an_answer_reads_back_as_it_was_written() {
        let mut fields = fields_2025("12", "25");
        fields.org_size = Some("fewer_than_100");
        let a = assess_current(&CurrentInput::parse(&fields).unwrap());
        let back: CurrentAssessment = serde_json::from_str(&serde_json::to_string(&a).unwrap()).unwrap();
        assert_eq!(back, a);
        let mut tampered = serde_json::to_value(&a).unwrap();
        tampered["comparison"]["industry"]["key"] = json!("moon");
        assert!(serde_json::from_value::<CurrentAssessment>(tampered).is_err());
    }

    #[test]
    fn the_answer_has_the_api_shape() {
        let mut fields = fields_2025("12", "25");
        fields.org_size = Some("fewer_than_100");
        let json = serde_json::to_value(assess_current(&CurrentInput::parse(&fields).unwrap())).unwrap();
        assert_eq!(json["benchmark"], "2025");
        assert_eq!(
            (json["score"].clone(), json["stability"].clone()),
            (json!(8.1), json!(8.2))
        );
        assert!(json["level"].is_null() && json["percentile"].is_null());
        assert!(json.get("level").is_some() && json.get("percentile").is_some());
        assert_eq!(json["metrics"]["rework_rate"], 7.5);
        assert_eq!(json["comparison"]["org_size"]["key"], "fewer_than_100");
        assert_eq!(json["comparison"]["org_size"]["time_to_restore"]["mean"], 7.6);
        assert_eq!(json["comparison"]["industry"]["rework_rate"]["mean"], 7.8);
        assert_eq!(
            json["recommended_capabilities"],
            json!(["ci", "architecture", "westrum"])
        );
        let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), 9, "{keys:?}");
    }

    #[test]
    fn a_2024_answer_has_no_rework_anywhere_and_no_org_size_unless_asked() {
        let fields = CurrentFields {
            benchmark: Some("2024"),
            rework_rate: None,
            industry: Some("insurance"),
            ..fields_2025("12", "")
        };
        let a = assess_current(&CurrentInput::parse(&fields).unwrap());
        // (8 + 6 + 10 + 8.8) / 4 = 8.2; throughput as 2025; stability is the change failure score.
        assert_eq!((a.score, a.throughput, a.stability), (8.2, 8.0, 8.8));
        let json = serde_json::to_value(&a).unwrap();
        assert!(json["metrics"].get("rework_rate").is_none());
        assert!(json["comparison"]["industry"].get("rework_rate").is_none());
        assert!(json["comparison"].get("org_size").is_none());
        assert_eq!(json["comparison"]["industry"]["name"], "Insurance");
        assert_eq!(json["benchmark"], "2024");
    }

    fn answers(edition: Edition, codes: [u8; 3], cfr: u8, rw: u8) -> CurrentAnswers {
        CurrentAnswers::new(
            edition,
            [
                Question::LeadTime.answer_with_code(codes[0]),
                Question::DeployFrequency.answer_with_code(codes[1]),
                Question::TimeToRestore.answer_with_code(codes[2]),
            ],
            Percent::new(cfr).unwrap(),
            (edition == Edition::Y2025).then(|| Percent::new(rw).unwrap()),
        )
        .unwrap()
    }

    fn all_scores(a: &CurrentAnswers) -> Vec<f64> {
        let s = Scores::of(a);
        let r = assess_current(&CurrentInput {
            answers: *a,
            industry: Default::default(),
            org_size: None,
        });
        let mut v = vec![s.overall, s.throughput, s.stability, r.score, r.throughput, r.stability];
        v.extend([
            r.metrics.lead_time,
            r.metrics.deploy_frequency,
            r.metrics.time_to_restore,
        ]);
        v.extend([r.metrics.change_failure_rate, r.metrics.rework_rate.unwrap_or(0.0)]);
        v
    }

    fn editions() -> impl Strategy<Value = Edition> {
        prop_oneof![Just(Edition::Y2024), Just(Edition::Y2025)]
    }

    proptest! {
        #[test]
        fn a_better_answer_never_lowers_any_score(
            e in editions(),
            codes in [1u8..=6, 1u8..=6, 1u8..=6],
            cfr in 0u8..=100,
            rw in 0u8..=100,
            which in 0usize..5,
            step in 1u8..=100,
        ) {
            let before = answers(e, codes, cfr, rw);
            let after = match which {
                0..=2 => {
                    prop_assume!(codes[which] < 6);
                    let mut better = codes;
                    better[which] = (codes[which] + step).min(6);
                    answers(e, better, cfr, rw)
                }
                // A lower percentage is the better answer.
                3 => { prop_assume!(cfr > 0); answers(e, codes, cfr.saturating_sub(step), rw) }
                _ => { prop_assume!(rw > 0); answers(e, codes, cfr, rw.saturating_sub(step)) }
            };
            for (b, a) in all_scores(&before).into_iter().zip(all_scores(&after)) {
                prop_assert!(a >= b, "{b} became {a}");
            }
        }

        #[test]
        fn scores_stay_within_0_and_10(
            e in editions(),
            codes in [1u8..=6, 1u8..=6, 1u8..=6],
            cfr in 0u8..=100,
            rw in 0u8..=100,
        ) {
            for s in all_scores(&answers(e, codes, cfr, rw)) {
                prop_assert!((0.0..=10.0).contains(&s), "{s}");
            }
        }
    }
}

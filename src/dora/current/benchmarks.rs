//! The published benchmarks of the current editions (7.3): mean and standard
//! deviation per industry and per organisation size, and the comparison on the
//! 0–10 scale that the result shows.

use serde::{Deserialize, Serialize};

use super::score::{mean, round2};
use super::{Edition, Metric};
use crate::dora::baselines::Industry;

/// A mean and standard deviation on the 0–10 scale.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(description = "A benchmark mean (two decimals) and its published standard deviation, on the 0–10 scale.")
)]
pub struct MeanSd {
    pub mean: f64,
    pub sd: f64,
}

/// The industries of the current editions (the same fourteen in 2024 and 2025).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(description = "An industry of the current editions' benchmarks (the same fourteen in 2024 and 2025).")
)]
#[serde(rename_all = "snake_case")]
pub enum IndustryKey {
    #[default]
    All,
    Technology,
    FinancialServices,
    Consumer,
    Government,
    HealthcarePharmaceuticals,
    Telecommunications,
    MediaEntertainment,
    Insurance,
    IndustrialsManufacturing,
    Energy,
    Education,
    NonProfit,
    Other,
}

impl IndustryKey {
    /// In the order of the legacy [`Industry::ALL`].
    pub const ALL: [IndustryKey; 14] = [
        IndustryKey::All,
        IndustryKey::Technology,
        IndustryKey::FinancialServices,
        IndustryKey::Consumer,
        IndustryKey::Government,
        IndustryKey::HealthcarePharmaceuticals,
        IndustryKey::Telecommunications,
        IndustryKey::MediaEntertainment,
        IndustryKey::Insurance,
        IndustryKey::IndustrialsManufacturing,
        IndustryKey::Energy,
        IndustryKey::Education,
        IndustryKey::NonProfit,
        IndustryKey::Other,
    ];

    pub fn id(self) -> &'static str {
        match self {
            IndustryKey::All => "all",
            IndustryKey::Technology => "technology",
            IndustryKey::FinancialServices => "financial_services",
            IndustryKey::Consumer => "consumer",
            IndustryKey::Government => "government",
            IndustryKey::HealthcarePharmaceuticals => "healthcare_pharmaceuticals",
            IndustryKey::Telecommunications => "telecommunications",
            IndustryKey::MediaEntertainment => "media_entertainment",
            IndustryKey::Insurance => "insurance",
            IndustryKey::IndustrialsManufacturing => "industrials_manufacturing",
            IndustryKey::Energy => "energy",
            IndustryKey::Education => "education",
            IndustryKey::NonProfit => "non_profit",
            IndustryKey::Other => "other",
        }
    }

    pub fn from_id(id: &str) -> Option<IndustryKey> {
        IndustryKey::ALL.into_iter().find(|k| k.id() == id)
    }

    /// A current key or a legacy id: a squad's stored industry and links
    /// made before the current editions keep working wherever one is parsed.
    pub fn from_any(id: &str) -> Option<IndustryKey> {
        IndustryKey::from_id(id).or_else(|| Industry::from_id(id).map(IndustryKey::from_legacy))
    }

    /// The name the current editions' tables give it.
    pub fn name(self) -> &'static str {
        industry_row(Edition::Y2025, self).name
    }

    /// A squad's industry carries across editions, one to one.
    pub fn from_legacy(industry: Industry) -> IndustryKey {
        match industry {
            Industry::All => IndustryKey::All,
            Industry::Technology => IndustryKey::Technology,
            Industry::Finance => IndustryKey::FinancialServices,
            Industry::Retail => IndustryKey::Consumer,
            Industry::Government => IndustryKey::Government,
            Industry::Healthcare => IndustryKey::HealthcarePharmaceuticals,
            Industry::Telecoms => IndustryKey::Telecommunications,
            Industry::Media => IndustryKey::MediaEntertainment,
            Industry::Insurance => IndustryKey::Insurance,
            Industry::Industrials => IndustryKey::IndustrialsManufacturing,
            Industry::Energy => IndustryKey::Energy,
            Industry::Education => IndustryKey::Education,
            Industry::NonProfit => IndustryKey::NonProfit,
            Industry::Other => IndustryKey::Other,
        }
    }

    pub fn legacy(self) -> Industry {
        match self {
            IndustryKey::All => Industry::All,
            IndustryKey::Technology => Industry::Technology,
            IndustryKey::FinancialServices => Industry::Finance,
            IndustryKey::Consumer => Industry::Retail,
            IndustryKey::Government => Industry::Government,
            IndustryKey::HealthcarePharmaceuticals => Industry::Healthcare,
            IndustryKey::Telecommunications => Industry::Telecoms,
            IndustryKey::MediaEntertainment => Industry::Media,
            IndustryKey::Insurance => Industry::Insurance,
            IndustryKey::IndustrialsManufacturing => Industry::Industrials,
            IndustryKey::Energy => Industry::Energy,
            IndustryKey::Education => Industry::Education,
            IndustryKey::NonProfit => Industry::NonProfit,
            IndustryKey::Other => Industry::Other,
        }
    }
}

/// Organisation-size bands. 2025 publishes no 10 to 19 band.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(
        description = "An organisation-size band of the current editions' benchmarks. `fewer_than_20` (10 to 19 employees) is published for 2024 only."
    )
)]
pub enum OrgSizeKey {
    #[serde(rename = "all")]
    All,
    #[serde(rename = "solo")]
    Solo,
    #[serde(rename = "fewer_than_10")]
    FewerThan10,
    #[serde(rename = "fewer_than_20")]
    FewerThan20,
    #[serde(rename = "fewer_than_100")]
    FewerThan100,
    #[serde(rename = "fewer_than_500")]
    FewerThan500,
    #[serde(rename = "fewer_than_1000")]
    FewerThan1000,
    #[serde(rename = "fewer_than_5000")]
    FewerThan5000,
    #[serde(rename = "fewer_than_10000")]
    FewerThan10000,
    #[serde(rename = "more_than_9999")]
    MoreThan9999,
}

impl OrgSizeKey {
    pub const ALL: [OrgSizeKey; 10] = [
        OrgSizeKey::All,
        OrgSizeKey::Solo,
        OrgSizeKey::FewerThan10,
        OrgSizeKey::FewerThan20,
        OrgSizeKey::FewerThan100,
        OrgSizeKey::FewerThan500,
        OrgSizeKey::FewerThan1000,
        OrgSizeKey::FewerThan5000,
        OrgSizeKey::FewerThan10000,
        OrgSizeKey::MoreThan9999,
    ];

    pub fn id(self) -> &'static str {
        match self {
            OrgSizeKey::All => "all",
            OrgSizeKey::Solo => "solo",
            OrgSizeKey::FewerThan10 => "fewer_than_10",
            OrgSizeKey::FewerThan20 => "fewer_than_20",
            OrgSizeKey::FewerThan100 => "fewer_than_100",
            OrgSizeKey::FewerThan500 => "fewer_than_500",
            OrgSizeKey::FewerThan1000 => "fewer_than_1000",
            OrgSizeKey::FewerThan5000 => "fewer_than_5000",
            OrgSizeKey::FewerThan10000 => "fewer_than_10000",
            OrgSizeKey::MoreThan9999 => "more_than_9999",
        }
    }

    /// Any band of any edition; see [`org_size_row`] for the edition's own.
    pub fn from_id(id: &str) -> Option<OrgSizeKey> {
        OrgSizeKey::ALL.into_iter().find(|k| k.id() == id)
    }

    /// The band's name; 2024's table is the one that has every band.
    pub fn name(self) -> &'static str {
        org_size_row(Edition::Y2024, self)
            .expect("the 2024 table has every band")
            .name
    }
}

/// One published row, before any inversion: `avg` overall, `lt` lead time,
/// `df` deployment frequency, `rec` recovery, `cfr` change failure, `rw` rework.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Row<K> {
    pub key: K,
    pub name: &'static str,
    pub avg: MeanSd,
    pub lt: MeanSd,
    pub df: MeanSd,
    pub rec: MeanSd,
    pub cfr: MeanSd,
    pub rw: Option<MeanSd>,
}

macro_rules! row {
    ($key:expr, $name:literal, $(($m:literal, $s:literal)),+ $(,)?) => {
        row!(@ $key, $name, [$(MeanSd { mean: $m, sd: $s }),+])
    };
    (@ $key:expr, $name:literal, [$avg:expr, $lt:expr, $df:expr, $rec:expr, $cfr:expr]) => {
        Row { key: $key, name: $name, avg: $avg, lt: $lt, df: $df, rec: $rec, cfr: $cfr, rw: None }
    };
    (@ $key:expr, $name:literal, [$avg:expr, $lt:expr, $df:expr, $rec:expr, $cfr:expr, $rw:expr]) => {
        Row { key: $key, name: $name, avg: $avg, lt: $lt, df: $df, rec: $rec, cfr: $cfr, rw: Some($rw) }
    };
}

use IndustryKey as I;
use OrgSizeKey as O;

#[rustfmt::skip]
pub const INDUSTRY_2025: [Row<IndustryKey>; 14] = [
    row!(I::All, "All industries", (4.3, 1.2), (5.5, 2.4), (4.8, 2.8), (7.4, 2.1), (1.9, 2.1), (2.2, 2.2)),
    row!(I::Consumer, "Retail/Consumer/e-Commerce", (4.5, 1.1), (5.9, 2.3), (5.3, 2.7), (7.8, 1.8), (1.7, 2.0), (2.0, 1.9)),
    row!(I::MediaEntertainment, "Media & Entertainment", (4.4, 1.2), (5.8, 2.4), (5.2, 2.7), (7.6, 2.1), (1.8, 1.8), (1.8, 1.7)),
    row!(I::NonProfit, "Non-profit", (4.4, 1.2), (5.9, 2.7), (4.5, 2.6), (7.5, 1.8), (2.2, 2.8), (2.1, 2.5)),
    row!(I::Technology, "Technology", (4.4, 1.2), (5.7, 2.4), (4.9, 2.8), (7.4, 2.1), (1.9, 2.0), (2.3, 2.2)),
    row!(I::Telecommunications, "Telecommunications", (4.4, 1.3), (5.2, 2.4), (4.7, 2.6), (7.2, 2.3), (2.4, 2.5), (2.6, 2.5)),
    row!(I::Other, "Other", (4.3, 1.2), (5.7, 2.4), (5.0, 2.7), (7.6, 2.0), (1.6, 1.9), (2.0, 2.0)),
    row!(I::Education, "Education", (4.3, 1.3), (5.5, 2.6), (4.5, 2.9), (6.6, 2.6), (2.7, 2.4), (2.9, 2.3)),
    row!(I::FinancialServices, "Financial Services", (4.3, 1.1), (5.4, 2.3), (5.1, 2.6), (7.7, 1.9), (1.7, 2.1), (1.9, 1.9)),
    row!(I::HealthcarePharmaceuticals, "Healthcare & Pharmaceuticals", (4.2, 1.4), (5.0, 2.6), (4.3, 2.8), (7.1, 2.2), (2.5, 2.3), (2.6, 2.4)),
    row!(I::Energy, "Energy", (4.1, 1.1), (5.4, 2.5), (4.5, 2.7), (7.2, 1.9), (1.8, 1.8), (2.1, 1.9)),
    row!(I::Government, "Government", (4.1, 1.3), (4.8, 2.6), (4.3, 3.0), (7.0, 2.1), (2.1, 2.2), (2.4, 2.2)),
    row!(I::Insurance, "Insurance", (4.0, 1.2), (4.8, 2.2), (4.4, 2.5), (7.5, 1.8), (1.7, 2.0), (1.8, 1.9)),
    row!(I::IndustrialsManufacturing, "Industrials & Manufacturing", (3.9, 1.3), (4.9, 2.6), (3.7, 2.7), (6.5, 2.3), (2.0, 1.9), (2.4, 2.3)),
];

/// Recovery (`rec`) is as published, i.e. inverted: see [`comparison`].
#[rustfmt::skip]
pub const ORG_SIZE_2025: [Row<OrgSizeKey>; 9] = [
    row!(O::All, "All organisations", (4.3, 1.2), (5.5, 2.4), (4.8, 2.8), (2.6, 2.1), (1.9, 2.1), (2.2, 2.2)),
    row!(O::Solo, "1 employee", (4.9, 1.6), (6.4, 2.7), (5.1, 3.4), (2.8, 2.6), (3.0, 3.1), (3.3, 3.1)),
    row!(O::FewerThan10, "2 to 9 employees", (4.6, 1.4), (6.4, 2.7), (4.8, 2.9), (2.3, 2.2), (1.9, 2.2), (2.3, 2.3)),
    row!(O::FewerThan100, "20 to 99 employees", (4.4, 1.1), (5.8, 2.3), (4.4, 2.4), (2.4, 1.9), (1.7, 1.8), (2.3, 2.1)),
    row!(O::FewerThan500, "100 to 499 employees", (4.4, 1.2), (5.6, 2.4), (4.8, 2.7), (2.6, 2.1), (1.9, 2.0), (2.3, 2.2)),
    row!(O::FewerThan1000, "500 to 999 employees", (4.3, 1.3), (5.5, 2.4), (4.7, 2.6), (2.7, 2.1), (1.8, 2.1), (2.2, 2.2)),
    row!(O::FewerThan5000, "1,000 to 4,999 employees", (4.3, 1.2), (5.3, 2.4), (4.7, 2.7), (2.6, 2.2), (1.9, 2.1), (2.1, 2.1)),
    row!(O::FewerThan10000, "5,000 to 9,999 employees", (4.3, 1.2), (5.4, 2.4), (4.8, 2.8), (2.5, 1.9), (1.8, 2.1), (2.0, 1.9)),
    row!(O::MoreThan9999, "10,000 or more employees", (4.2, 1.2), (5.2, 2.5), (4.9, 2.8), (2.8, 2.2), (1.9, 2.2), (2.1, 2.2)),
];

#[rustfmt::skip]
pub const INDUSTRY_2024: [Row<IndustryKey>; 14] = [
    row!(I::All, "All industries", (6.7, 1.8), (5.1, 2.6), (5.3, 2.9), (7.5, 2.3), (1.7, 2.0)),
    row!(I::Education, "Education", (6.7, 2.0), (4.8, 3.1), (5.1, 3.2), (6.6, 3.0), (1.6, 2.1)),
    row!(I::Energy, "Energy", (6.1, 2.3), (4.6, 2.5), (4.9, 3.1), (6.6, 2.9), (2.7, 2.7)),
    row!(I::FinancialServices, "Financial Services", (6.6, 1.6), (4.9, 2.4), (5.2, 2.7), (7.9, 1.9), (1.6, 1.8)),
    row!(I::Government, "Government", (5.9, 1.6), (4.6, 2.6), (4.4, 2.6), (6.8, 2.1), (2.4, 2.3)),
    row!(I::HealthcarePharmaceuticals, "Healthcare & Pharmaceuticals", (6.4, 1.6), (4.6, 2.6), (4.4, 2.6), (7.4, 2.5), (1.4, 1.5)),
    row!(I::IndustrialsManufacturing, "Industrials & Manufacturing", (6.4, 1.8), (4.8, 2.4), (4.9, 2.9), (6.6, 2.6), (1.7, 1.9)),
    row!(I::Insurance, "Insurance", (6.3, 1.6), (4.4, 2.5), (4.9, 3.0), (6.9, 2.6), (1.8, 2.2)),
    row!(I::MediaEntertainment, "Media/Entertainment", (7.2, 1.8), (5.7, 2.7), (5.7, 2.7), (7.9, 2.4), (1.5, 1.9)),
    row!(I::NonProfit, "Non-profit", (7.1, 1.8), (5.6, 3.1), (4.9, 2.5), (7.6, 2.0), (1.5, 2.3)),
    row!(I::Consumer, "Retail/Consumer/e-Commerce", (7.3, 1.7), (5.8, 2.6), (6.3, 3.0), (8.0, 1.9), (1.5, 1.6)),
    row!(I::Technology, "Technology", (6.8, 1.8), (5.4, 2.5), (5.5, 2.9), (7.7, 2.1), (1.6, 1.9)),
    row!(I::Telecommunications, "Telecommunications", (6.3, 1.8), (4.8, 2.5), (4.9, 2.7), (7.2, 2.3), (1.9, 2.0)),
    row!(I::Other, "Other", (6.9, 1.7), (5.5, 2.4), (5.6, 2.9), (7.8, 2.1), (1.7, 1.9)),
];

#[rustfmt::skip]
pub const ORG_SIZE_2024: [Row<OrgSizeKey>; 10] = [
    row!(O::All, "All organisations", (6.7, 1.8), (5.1, 2.6), (5.3, 2.9), (7.5, 2.3), (1.7, 2.0)),
    row!(O::Solo, "1 employee", (6.2, 2.2), (5.2, 3.5), (4.8, 3.6), (5.3, 3.6), (3.7, 3.3)),
    row!(O::FewerThan10, "2 to 9 employees", (6.6, 2.1), (5.32, 2.8), (5.1, 2.9), (7.1, 2.6), (1.8, 1.9)),
    row!(O::FewerThan20, "10 to 19 employees", (7.4, 1.7), (6.3, 2.5), (6.1, 2.6), (8.0, 2.4), (1.9, 2.0)),
    row!(O::FewerThan100, "20 to 99 employees", (6.9, 1.7), (5.4, 2.6), (5.4, 2.8), (7.9, 1.9), (1.6, 1.9)),
    row!(O::FewerThan500, "100 to 499 employees", (7.0, 1.8), (5.6, 2.5), (6.0, 2.9), (7.82, 2.1), (1.6, 1.8)),
    row!(O::FewerThan1000, "500 to 999 employees", (6.8, 1.9), (5.0, 2.6), (5.4, 3.0), (7.5, 2.4), (1.8, 2.1)),
    row!(O::FewerThan5000, "1,000 to 4,999 employees", (6.7, 1.7), (5.1, 2.5), (5.3, 2.9), (7.6, 2.0), (1.6, 1.8)),
    row!(O::FewerThan10000, "5,000 to 9,999 employees", (6.62, 1.8), (4.9, 2.5), (5.2, 3.0), (7.4, 2.5), (1.7, 2.0)),
    row!(O::MoreThan9999, "10,000 or more employees", (6.4, 1.7), (4.8, 2.5), (4.8, 2.8), (7.5, 2.0), (1.6, 1.8)),
];

pub fn industry_rows(edition: Edition) -> &'static [Row<IndustryKey>] {
    match edition {
        Edition::Y2024 => &INDUSTRY_2024,
        Edition::Y2025 => &INDUSTRY_2025,
    }
}

pub fn org_size_rows(edition: Edition) -> &'static [Row<OrgSizeKey>] {
    match edition {
        Edition::Y2024 => &ORG_SIZE_2024,
        Edition::Y2025 => &ORG_SIZE_2025,
    }
}

pub fn industry_row(edition: Edition, key: IndustryKey) -> &'static Row<IndustryKey> {
    industry_rows(edition)
        .iter()
        .find(|r| r.key == key)
        .expect("both editions publish every industry")
}

/// `None` for a band the edition does not publish (10 to 19 in 2025).
pub fn org_size_row(edition: Edition, key: OrgSizeKey) -> Option<&'static Row<OrgSizeKey>> {
    org_size_rows(edition).iter().find(|r| r.key == key)
}

/// The benchmark of one industry or organisation size on the 0–10 scale,
/// means to two decimals: the `C` object of the API.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(
        description = "The benchmark of one industry or organisation size on the 0–10 scale (10 best). The two percentages, published by DORA as instability, are given as 10 minus the published mean; in the 2025 organisation-size table recovery is given as 10 minus the published mean too, because DORA publishes that one column inverted."
    )
)]
pub struct Comparison {
    /// The industry or organisation-size key.
    pub key: &'static str,
    pub name: &'static str,
    /// Mean of the metric means below (taken before they are rounded), with the published sd.
    pub score: MeanSd,
    pub lead_time: MeanSd,
    pub deploy_frequency: MeanSd,
    pub time_to_restore: MeanSd,
    pub change_failure_rate: MeanSd,
    /// Present exactly in the 2025 edition.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub rework_rate: Option<MeanSd>,
}

impl Comparison {
    /// The benchmark of one metric; `None` for rework in 2024.
    pub fn metric(&self, metric: Metric) -> Option<MeanSd> {
        match metric {
            Metric::LeadTime => Some(self.lead_time),
            Metric::DeployFrequency => Some(self.deploy_frequency),
            Metric::TimeToRestore => Some(self.time_to_restore),
            Metric::ChangeFailureRate => Some(self.change_failure_rate),
            Metric::ReworkRate => self.rework_rate,
        }
    }
}

/// A comparison read back from a stored summary: the key and the name must be
/// one of the published tables' (the fields are `&'static str` so that a
/// comparison stays `Copy`), every figure is taken as it was written.
impl<'de> Deserialize<'de> for Comparison {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Comparison, D::Error> {
        #[derive(Deserialize)]
        struct Stored {
            key: String,
            name: String,
            score: MeanSd,
            lead_time: MeanSd,
            deploy_frequency: MeanSd,
            time_to_restore: MeanSd,
            change_failure_rate: MeanSd,
            #[serde(default)]
            rework_rate: Option<MeanSd>,
        }
        let s = Stored::deserialize(deserializer)?;
        let key = IndustryKey::ALL
            .iter()
            .map(|k| k.id())
            .chain(OrgSizeKey::ALL.iter().map(|k| k.id()))
            .find(|k| *k == s.key)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown benchmark key {:?}", s.key)))?;
        let name = Edition::ALL
            .iter()
            .flat_map(|e| {
                industry_rows(*e)
                    .iter()
                    .map(|r| r.name)
                    .chain(org_size_rows(*e).iter().map(|r| r.name))
            })
            .find(|n| *n == s.name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown benchmark name {:?}", s.name)))?;
        Ok(Comparison {
            key,
            name,
            score: s.score,
            lead_time: s.lead_time,
            deploy_frequency: s.deploy_frequency,
            time_to_restore: s.time_to_restore,
            change_failure_rate: s.change_failure_rate,
            rework_rate: s.rework_rate,
        })
    }
}

/// Which published recovery column is stored inverted (7.3): only the 2025
/// organisation-size table's. DORA's own page shows it raw; we correct it.
fn recovery_is_inverted(edition: Edition, by_org_size: bool) -> bool {
    edition == Edition::Y2025 && by_org_size
}

fn comparison<K>(row: &Row<K>, key: &'static str, recovery_inverted: bool) -> Comparison {
    // The two percentages are published as instability (0 = no failures).
    let invert = |m: MeanSd| MeanSd {
        mean: 10.0 - m.mean,
        sd: m.sd,
    };
    let rec = if recovery_inverted { invert(row.rec) } else { row.rec };
    let metrics: Vec<MeanSd> = [row.lt, row.df, rec, invert(row.cfr)]
        .into_iter()
        .chain(row.rw.map(invert))
        .collect();
    let means: Vec<f64> = metrics.iter().map(|m| m.mean).collect();
    let rounded = |m: MeanSd| MeanSd {
        mean: round2(m.mean),
        sd: m.sd,
    };
    Comparison {
        key,
        name: row.name,
        score: rounded(MeanSd {
            mean: mean(&means).expect("four or five metrics"),
            sd: row.avg.sd,
        }),
        lead_time: rounded(metrics[0]),
        deploy_frequency: rounded(metrics[1]),
        time_to_restore: rounded(metrics[2]),
        change_failure_rate: rounded(metrics[3]),
        rework_rate: metrics.get(4).copied().map(rounded),
    }
}

pub fn compare_industry(edition: Edition, key: IndustryKey) -> Comparison {
    comparison(
        industry_row(edition, key),
        key.id(),
        recovery_is_inverted(edition, false),
    )
}

/// `None` for a band the edition does not publish.
pub fn compare_org_size(edition: Edition, key: OrgSizeKey) -> Option<Comparison> {
    org_size_row(edition, key).map(|row| comparison(row, key.id(), recovery_is_inverted(edition, true)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(mean: f64, sd: f64) -> MeanSd {
        MeanSd { mean, sd }
    }

    #[test]
    fn worked_check_benchmark_all_industries_2025() {
        let c = compare_industry(Edition::Y2025, IndustryKey::All);
        // (5.5 + 4.8 + 7.4 + 8.1 + 7.8) / 5
        assert_eq!(c.score, ms(6.72, 1.2));
        assert_eq!(c.change_failure_rate, ms(8.1, 2.1));
        assert_eq!(c.rework_rate, Some(ms(7.8, 2.2)));
        assert_eq!(
            (c.lead_time, c.deploy_frequency, c.time_to_restore),
            (ms(5.5, 2.4), ms(4.8, 2.8), ms(7.4, 2.1))
        );
        assert_eq!((c.key, c.name), ("all", "All industries"));
    }

    #[test]
    fn the_2024_overall_benchmark_is_the_mean_of_four_inverted_means() {
        let c = compare_industry(Edition::Y2024, IndustryKey::Energy);
        // (4.6 + 4.9 + 6.6 + (10 - 2.7)) / 4 = 23.4 / 4
        assert_eq!(c.score, ms(5.85, 2.3));
        assert_eq!(c.change_failure_rate, ms(7.3, 2.7));
        assert_eq!(c.rework_rate, None);
        let c = compare_org_size(Edition::Y2024, OrgSizeKey::FewerThan500).unwrap();
        // (5.6 + 6.0 + 7.82 + 8.4) / 4 is 6.95500000000000007105… in f64: a
        // printed tie that rounds up (JavaScript's toFixed(2) gives 6.96 too).
        assert_eq!(c.time_to_restore, ms(7.82, 2.1));
        assert_eq!(c.score, ms(6.96, 1.8));
    }

    #[test]
    fn the_2025_org_size_recovery_column_is_corrected_and_no_other() {
        // Same respondents: all organisations must equal all industries once corrected.
        let by_size = compare_org_size(Edition::Y2025, OrgSizeKey::All).unwrap();
        let by_industry = compare_industry(Edition::Y2025, IndustryKey::All);
        assert_eq!(by_size.time_to_restore, ms(7.4, 2.1));
        assert_eq!(
            (
                by_size.score,
                by_size.lead_time,
                by_size.change_failure_rate,
                by_size.rework_rate
            ),
            (
                by_industry.score,
                by_industry.lead_time,
                by_industry.change_failure_rate,
                by_industry.rework_rate
            )
        );
        let solo = compare_org_size(Edition::Y2025, OrgSizeKey::Solo).unwrap();
        assert_eq!(solo.time_to_restore, ms(7.2, 2.6));
        assert_eq!(solo.lead_time, ms(6.4, 2.7));
        // The 2024 organisation-size table and the industry tables are used as published.
        let solo_2024 = compare_org_size(Edition::Y2024, OrgSizeKey::Solo).unwrap();
        assert_eq!(solo_2024.time_to_restore, ms(5.3, 3.6));
        assert_eq!(
            compare_industry(Edition::Y2025, IndustryKey::Education).time_to_restore,
            ms(6.6, 2.6)
        );
        assert_eq!(
            compare_org_size(Edition::Y2024, OrgSizeKey::All).unwrap().score,
            compare_industry(Edition::Y2024, IndustryKey::All).score
        );
    }

    #[test]
    fn every_table_has_its_edition_keys_once() {
        for e in Edition::ALL {
            let industries: Vec<_> = industry_rows(e).iter().map(|r| r.key).collect();
            for k in IndustryKey::ALL {
                assert_eq!(industries.iter().filter(|x| **x == k).count(), 1, "{e:?} {k:?}");
            }
            assert_eq!(industries.len(), 14);
            assert!(industry_rows(e).iter().all(|r| r.rw.is_some() == (e == Edition::Y2025)));
            assert!(org_size_rows(e).iter().all(|r| r.rw.is_some() == (e == Edition::Y2025)));
        }
        assert_eq!(org_size_rows(Edition::Y2024).len(), 10);
        assert_eq!(org_size_rows(Edition::Y2025).len(), 9);
        assert!(compare_org_size(Edition::Y2025, OrgSizeKey::FewerThan20).is_none());
        assert!(compare_org_size(Edition::Y2024, OrgSizeKey::FewerThan20).is_some());
        for k in OrgSizeKey::ALL {
            assert_eq!(OrgSizeKey::from_id(k.id()), Some(k));
            assert_eq!(serde_json::to_string(&k).unwrap(), format!("\"{}\"", k.id()));
        }
    }

    #[test]
    fn legacy_industries_map_one_to_one_both_ways() {
        let pairs = [
            ("finance", "financial_services"),
            ("retail", "consumer"),
            ("healthcare", "healthcare_pharmaceuticals"),
            ("telecoms", "telecommunications"),
            ("media", "media_entertainment"),
            ("industrials", "industrials_manufacturing"),
            ("non-profit", "non_profit"),
            ("all", "all"),
            ("technology", "technology"),
            ("government", "government"),
            ("insurance", "insurance"),
            ("energy", "energy"),
            ("education", "education"),
            ("other", "other"),
        ];
        assert_eq!(pairs.len(), Industry::ALL.len());
        for (legacy, current) in pairs {
            let l = Industry::from_id(legacy).unwrap();
            let c = IndustryKey::from_id(current).unwrap();
            assert_eq!(IndustryKey::from_legacy(l), c);
            assert_eq!(c.legacy(), l);
            assert_eq!(serde_json::to_string(&c).unwrap(), format!("\"{current}\""));
        }
        // Legacy ids are not keys of the current editions (except the seven that kept their names).
        assert_eq!(IndustryKey::from_id("finance"), None);
        assert_eq!(IndustryKey::from_id("non-profit"), None);
    }

    #[test]
    fn from_any_takes_both_vocabularies_and_names_come_from_the_tables() {
        for k in IndustryKey::ALL {
            assert_eq!(IndustryKey::from_any(k.id()), Some(k));
            assert_eq!(IndustryKey::from_any(k.legacy().id()), Some(k));
        }
        assert_eq!(IndustryKey::from_any("non-profit"), Some(IndustryKey::NonProfit));
        assert_eq!(IndustryKey::from_any("farming"), None);
        assert_eq!(IndustryKey::Consumer.name(), "Retail/Consumer/e-Commerce");
        assert_eq!(OrgSizeKey::FewerThan20.name(), "10 to 19 employees");
        assert_eq!(OrgSizeKey::MoreThan9999.name(), "10,000 or more employees");
    }

    #[test]
    fn comparison_serialises_as_the_api_c_object() {
        let c = compare_industry(Edition::Y2024, IndustryKey::All);
        let json = serde_json::to_value(c).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "key": "all", "name": "All industries",
                "score": {"mean": 6.55, "sd": 1.8},
                "lead_time": {"mean": 5.1, "sd": 2.6},
                "deploy_frequency": {"mean": 5.3, "sd": 2.9},
                "time_to_restore": {"mean": 7.5, "sd": 2.3},
                "change_failure_rate": {"mean": 8.3, "sd": 2.0},
            })
        );
    }
}

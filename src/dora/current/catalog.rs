//! The capability catalog as DORA groups it today (7.5): fast flow, fast
//! feedback, climate for learning and AI, with a core set. Every entry names a
//! capability the section 5 catalog already has, so descriptions are that
//! catalog's, found by its key: one wording per capability.

use serde::{Serialize, Serializer};

use crate::dora::catalog::{self as legacy, CatalogEntry};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    FastFlow,
    FastFeedback,
    ClimateForLearning,
    Ai,
}

impl Group {
    pub const ALL: [Group; 4] = [
        Group::FastFlow,
        Group::FastFeedback,
        Group::ClimateForLearning,
        Group::Ai,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Group::FastFlow => "Fast flow",
            Group::FastFeedback => "Fast feedback",
            Group::ClimateForLearning => "Climate for learning",
            Group::Ai => "AI",
        }
    }
}

/// One capability in the current grouping.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CurrentEntry {
    pub key: &'static str,
    pub name: &'static str,
    pub group: Group,
    pub core: bool,
    /// DORA's directory name: the article is `https://dora.dev/capabilities/<slug>/`.
    pub slug: &'static str,
    /// The section 5 catalog key of the same capability.
    pub legacy_key: &'static str,
}

impl CurrentEntry {
    pub fn legacy(&self) -> &'static CatalogEntry {
        legacy::find(self.legacy_key).expect("every current entry names a catalog entry")
    }

    /// One paragraph in this project's words (the section 5 catalog's).
    pub fn description(&self) -> &'static str {
        self.legacy().description
    }

    pub fn url(&self) -> String {
        format!("https://dora.dev/capabilities/{}/", self.slug)
    }
}

/// Serialised with its description and link, as a catalog page lists it.
impl Serialize for CurrentEntry {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Shown<'a> {
            key: &'a str,
            name: &'a str,
            group: Group,
            core: bool,
            description: &'a str,
            url: String,
            legacy_key: &'a str,
        }
        Shown {
            key: self.key,
            name: self.name,
            group: self.group,
            core: self.core,
            description: self.description(),
            url: self.url(),
            legacy_key: self.legacy_key,
        }
        .serialize(serializer)
    }
}

macro_rules! entry {
    ($key:literal, $name:literal, $group:ident, $core:literal, $slug:literal, $legacy:literal) => {
        CurrentEntry {
            key: $key,
            name: $name,
            group: Group::$group,
            core: $core,
            slug: $slug,
            legacy_key: $legacy,
        }
    };
}

#[rustfmt::skip]
pub const CURRENT_CATALOG: &[CurrentEntry] = &[
    entry!("version_control", "Version control", FastFlow, true, "version-control", "version_control"),
    entry!("continuous_delivery", "Continuous delivery", FastFlow, true, "continuous-delivery", "continuous_delivery"),
    entry!("deployment_automation", "Deployment automation", FastFlow, true, "deployment-automation", "deployment_automation"),
    entry!("database_change_management", "Database change management", FastFlow, true, "database-change-management", "database_change_management"),
    entry!("flexible_infrastructure", "Flexible infrastructure", FastFlow, true, "flexible-infrastructure", "cloud_infrastructure"),
    entry!("loosely_coupled_teams", "Loosely coupled teams", FastFlow, true, "loosely-coupled-teams", "loosely_coupled_architecture"),
    entry!("streamlining_change_approval", "Streamlining change approval", FastFlow, true, "streamlining-change-approval", "streamlining_change_approval"),
    entry!("working_in_small_batches", "Working in small batches", FastFlow, true, "working-in-small-batches", "small_batches"),
    entry!("trunk_based_development", "Trunk-based development", FastFlow, false, "trunk-based-development", "trunk_based"),
    entry!("visual_management", "Visual management", FastFlow, false, "visual-management", "visual_management"),
    entry!("wip_limits", "Work in process limits", FastFlow, false, "wip-limits", "wip_limits"),
    entry!("continuous_integration", "Continuous integration", FastFeedback, true, "continuous-integration", "continuous_integration"),
    entry!("monitoring_and_observability", "Monitoring and observability", FastFeedback, true, "monitoring-and-observability", "monitoring_observability"),
    entry!("pervasive_security", "Pervasive security", FastFeedback, true, "pervasive-security", "shift_left_security"),
    entry!("test_automation", "Test automation", FastFeedback, true, "test-automation", "test_automation"),
    entry!("test_data_management", "Test data management", FastFeedback, true, "test-data-management", "test_data_management"),
    entry!("customer_feedback", "Customer feedback", FastFeedback, false, "customer-feedback", "customer_feedback"),
    entry!("monitoring_systems", "Monitoring systems to inform business decisions", FastFeedback, false, "monitoring-systems", "monitoring_business_decisions"),
    entry!("proactive_failure_notification", "Proactive failure notification", FastFeedback, false, "proactive-failure-notification", "proactive_failure_notification"),
    entry!("work_visibility", "Visibility of work in the value stream", FastFeedback, false, "work-visibility-in-value-stream", "work_visibility"),
    entry!("code_maintainability", "Code maintainability", ClimateForLearning, true, "code-maintainability", "code_maintainability"),
    entry!("documentation_quality", "Documentation quality", ClimateForLearning, true, "documentation-quality", "documentation_quality"),
    entry!("generative_culture", "Generative organisational culture", ClimateForLearning, true, "generative-organizational-culture", "generative_culture"),
    entry!("job_satisfaction", "Job satisfaction", ClimateForLearning, true, "job-satisfaction", "job_satisfaction"),
    entry!("teams_choose_tools", "Empowering teams to choose tools", ClimateForLearning, true, "teams-empowered-to-choose-tools", "empowering_teams_tools"),
    entry!("well_being", "Well-being", ClimateForLearning, true, "well-being", "well_being"),
    entry!("learning_culture", "Learning culture", ClimateForLearning, false, "learning-culture", "learning_culture"),
    entry!("team_experimentation", "Team experimentation", ClimateForLearning, false, "team-experimentation", "team_experimentation"),
    entry!("transformational_leadership", "Transformational leadership", ClimateForLearning, false, "transformational-leadership", "transformational_leadership"),
    entry!("platform_engineering", "Platform engineering", Ai, false, "platform-engineering", "platform_engineering"),
    entry!("user_centric_focus", "User-centric focus", Ai, false, "user-centric-focus", "user_centric_focus"),
    entry!("healthy_data_ecosystems", "Healthy data ecosystems", Ai, false, "healthy-data-ecosystems", "healthy_data_ecosystems"),
    entry!("ai_accessible_internal_data", "AI-accessible internal data", Ai, false, "ai-accessible-internal-data", "ai_accessible_data"),
    entry!("clear_ai_stance", "Clear and communicated AI stance", Ai, false, "clear-and-communicated-ai-stance", "clear_ai_stance"),
];

pub fn find(key: &str) -> Option<&'static CurrentEntry> {
    CURRENT_CATALOG.iter().find(|e| e.key == key)
}

/// The current entry of a section 5 catalog key (a squad's stored focus).
pub fn from_legacy(legacy_key: &str) -> Option<&'static CurrentEntry> {
    CURRENT_CATALOG.iter().find(|e| e.legacy_key == legacy_key)
}

pub fn in_group(group: Group) -> impl Iterator<Item = &'static CurrentEntry> {
    CURRENT_CATALOG.iter().filter(move |e| e.group == group)
}

/// Case-insensitive search over name and description, as the legacy view's,
/// and over the legacy name: a link that searches "Loosely coupled
/// architecture" still finds loosely coupled teams.
pub fn search(query: &str) -> impl Iterator<Item = &'static CurrentEntry> + '_ {
    let needle = query.trim().to_lowercase();
    CURRENT_CATALOG.iter().filter(move |e| {
        needle.is_empty()
            || e.name.to_lowercase().contains(&needle)
            || e.legacy().name.to_lowercase().contains(&needle)
            || e.description().to_lowercase().contains(&needle)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dora::capabilities::CapabilityKey;

    #[test]
    fn the_two_catalogs_map_one_to_one() {
        for e in CURRENT_CATALOG {
            assert!(legacy::find(e.legacy_key).is_some(), "{} names no legacy entry", e.key);
            assert_eq!(
                from_legacy(e.legacy_key),
                Some(e),
                "{} is not the only one",
                e.legacy_key
            );
            assert_eq!(find(e.key), Some(e), "{} is not unique", e.key);
        }
        for l in legacy::CATALOG {
            assert!(from_legacy(l.key).is_some(), "legacy {} has no current entry", l.key);
        }
        assert_eq!(CURRENT_CATALOG.len(), legacy::CATALOG.len());
        // The examples 7.5 gives, through the recommended capabilities' own links.
        let current = |k: CapabilityKey| from_legacy(k.catalog_key()).unwrap().key;
        assert_eq!(current(CapabilityKey::Architecture), "loosely_coupled_teams");
        assert_eq!(current(CapabilityKey::Westrum), "generative_culture");
        assert_eq!(current(CapabilityKey::Ci), "continuous_integration");
    }

    #[test]
    fn each_entry_links_the_same_article_as_its_legacy_entry() {
        for e in CURRENT_CATALOG {
            assert_eq!(e.url(), e.legacy().url, "{}", e.key);
        }
    }

    #[test]
    fn every_entry_has_a_paragraph_and_its_dora_article() {
        for e in CURRENT_CATALOG {
            let paragraph = e.description().trim();
            assert!(
                paragraph.len() > 40 && paragraph.ends_with('.'),
                "{}: {paragraph:?}",
                e.key
            );
            assert!(!paragraph.contains('\n'), "{}: one paragraph", e.key);
            assert!(
                !e.slug.is_empty()
                    && e.slug
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{}: slug {:?}",
                e.key,
                e.slug
            );
            assert_eq!(e.url(), format!("https://dora.dev/capabilities/{}/", e.slug));
        }
    }

    #[test]
    fn search_finds_an_entry_by_its_legacy_name() {
        let keys: Vec<_> = search("loosely coupled architecture").map(|e| e.key).collect();
        assert_eq!(keys, ["loosely_coupled_teams"]);
        assert!(search("shifting left").any(|e| e.key == "pervasive_security"));
        assert_eq!(search("zzz-no-such").count(), 0);
    }

    #[test]
    fn groups_and_core_set_are_as_published() {
        let count = |g| in_group(g).count();
        let core = |g| in_group(g).filter(|e| e.core).count();
        assert_eq!(Group::ALL.map(count), [11, 9, 9, 5]);
        assert_eq!(Group::ALL.map(core), [8, 5, 6, 0]);
    }

    #[test]
    fn search_and_serialisation() {
        assert!(search("TRUNK").any(|e| e.key == "trunk_based_development"));
        assert!(search("burnout").any(|e| e.key == "well_being"));
        assert_eq!(search("").count(), CURRENT_CATALOG.len());
        let json = serde_json::to_value(find("loosely_coupled_teams").unwrap()).unwrap();
        assert_eq!(json["group"], "fast_flow");
        assert_eq!(json["core"], true);
        assert_eq!(json["url"], "https://dora.dev/capabilities/loosely-coupled-teams/");
        assert_eq!(
            json["description"],
            legacy::find("loosely_coupled_architecture").unwrap().description
        );
    }
}

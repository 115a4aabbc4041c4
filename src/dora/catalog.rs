//! The capability catalog: every DORA capability a squad may browse and pick,
//! with a description in this project's words and its public DORA article.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Technical,
    Process,
    Cultural,
    /// Added in the 2025 research.
    Emerging,
}

impl Category {
    pub const ALL: [Category; 4] = [
        Category::Technical,
        Category::Process,
        Category::Cultural,
        Category::Emerging,
    ];
    pub fn label(self) -> &'static str {
        match self {
            Category::Technical => "Technical",
            Category::Process => "Process",
            Category::Cultural => "Cultural",
            Category::Emerging => "Newer (2025)",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct CatalogEntry {
    pub key: &'static str,
    pub name: &'static str,
    pub category: Category,
    pub description: &'static str,
    pub url: &'static str,
}

macro_rules! entry {
    ($key:literal, $name:literal, $cat:ident, $slug:literal, $desc:literal) => {
        CatalogEntry {
            key: $key,
            name: $name,
            category: Category::$cat,
            description: $desc,
            url: concat!("https://dora.dev/capabilities/", $slug, "/"),
        }
    };
}

pub const CATALOG: &[CatalogEntry] = &[
    entry!("continuous_delivery", "Continuous delivery", Technical, "continuous-delivery",
        "Keep the software releasable at every moment, so that shipping a change is a routine business decision rather than a project. Squads that do this deploy more often, with less pain and fewer surprises."),
    entry!("continuous_integration", "Continuous integration", Technical, "continuous-integration",
        "Merge small changes into a shared mainline many times a day, each one built and tested automatically. Problems show up minutes after they are made, while they are still cheap to fix."),
    entry!("deployment_automation", "Deployment automation", Technical, "deployment-automation",
        "Deploy to every environment with one scripted, repeatable process. Removing manual steps removes a whole class of failed deployments and frees people for better work."),
    entry!("trunk_based", "Trunk-based development", Technical, "trunk-based-development",
        "Work in small batches on one shared trunk, with branches that live for hours rather than weeks. Fewer long-lived branches means fewer painful merges and code that is always close to releasable."),
    entry!("version_control", "Version control", Technical, "version-control",
        "Keep application code, configuration, infrastructure definitions and scripts in version control. Anything needed to rebuild an environment should be reproducible from it."),
    entry!("test_automation", "Test automation (continuous testing)", Technical, "test-automation",
        "Run a fast, reliable suite of automated tests on every change, written and owned by the developers, alongside ongoing exploratory testing. Green should mean releasable."),
    entry!("test_data_management", "Test data management", Technical, "test-data-management",
        "Make the data that tests need available on demand, small and safe to use, so that automated tests run anywhere without waiting on shared environments."),
    entry!("database_change_management", "Database change management", Technical, "database-change-management",
        "Version database schema changes with the application and apply them through the delivery pipeline, so that the database never becomes the reason a release waits."),
    entry!("loosely_coupled_architecture", "Loosely coupled architecture", Technical, "loosely-coupled-teams",
        "Shape systems and teams so each squad can change, test and deploy its service on its own, without coordinating with other teams or waiting for an integrated environment."),
    entry!("cloud_infrastructure", "Cloud infrastructure", Technical, "flexible-infrastructure",
        "Use infrastructure with self-service provisioning, elastic capacity and measured usage. It is how the platform behaves, not whose data centre it runs in, that speeds delivery."),
    entry!("code_maintainability", "Code maintainability", Technical, "code-maintainability",
        "Make code easy to find, reuse and change, including other teams' code, and keep dependencies easy to add and to upgrade."),
    entry!("shift_left_security", "Shifting left on security", Technical, "pervasive-security",
        "Build security into daily work: security reviews early in design, pre-approved tools and libraries, and automated checks in the pipeline instead of a gate at the end."),
    entry!("empowering_teams_tools", "Empowering teams to choose tools", Technical, "teams-empowered-to-choose-tools",
        "Let the people doing the work choose the tools they use, within sensible guardrails. Teams that choose their tools deliver better and are more satisfied."),
    entry!("monitoring_observability", "Monitoring and observability", Technical, "monitoring-and-observability",
        "Instrument systems so the squad can see their health as customers experience it, debug production, and find the problems nobody anticipated."),
    entry!("small_batches", "Working in small batches", Process, "working-in-small-batches",
        "Slice work into pieces that take days, not weeks, and release them as they are done. Small batches give faster feedback and make every change less risky."),
    entry!("streamlining_change_approval", "Streamlining change approval", Process, "streamlining-change-approval",
        "Replace heavyweight change boards with peer review and automated checks. External approval slows delivery without making changes safer."),
    entry!("wip_limits", "Work-in-process limits", Process, "wip-limits",
        "Cap how much work is in progress and treat hitting the cap as a signal to remove obstacles. Limits turn hidden queues into visible problems to solve."),
    entry!("visual_management", "Visual management", Process, "visual-management",
        "Show the state of work, quality and delivery on displays everyone can see, so the squad shares one picture of where it stands."),
    entry!("monitoring_business_decisions", "Monitoring systems to inform business decisions", Process, "monitoring-systems",
        "Use data from application and infrastructure monitoring to make business decisions, not only to fight fires."),
    entry!("proactive_failure_notification", "Proactive failure notification", Process, "proactive-failure-notification",
        "Alert on thresholds and rates of change so the squad learns about failures before its users report them."),
    entry!("work_visibility", "Visibility of work in the value stream", Process, "work-visibility-in-value-stream",
        "Understand and see the whole flow of work from idea to customer, including the parts other teams own, so that bottlenecks can be found and removed."),
    entry!("customer_feedback", "Customer feedback", Process, "customer-feedback",
        "Gather customer feedback continuously and let it change what the squad builds and how."),
    entry!("team_experimentation", "Team experimentation", Process, "team-experimentation",
        "Give the squad the authority to try new ideas and change specifications during development without asking for permission."),
    entry!("documentation_quality", "Documentation quality", Process, "documentation-quality",
        "Keep internal documentation accurate, findable and up to date; good documentation amplifies the effect of every technical practice."),
    entry!("generative_culture", "Generative organisational culture (Westrum)", Cultural, "generative-organizational-culture",
        "Build a culture of high trust and information flow, where messengers are safe, responsibilities are shared and failure leads to inquiry."),
    entry!("learning_culture", "Learning culture", Cultural, "learning-culture",
        "Treat learning as an investment and an engine of improvement: time to learn, safe experiments and shared lessons."),
    entry!("transformational_leadership", "Transformational leadership", Cultural, "transformational-leadership",
        "Leaders who share a vision, stimulate new thinking, communicate in inspiring ways, support people and recognise their work."),
    entry!("job_satisfaction", "Job satisfaction", Cultural, "job-satisfaction",
        "People who find their work meaningful and have the tools and resources to do it well deliver better software."),
    entry!("well_being", "Well-being", Cultural, "well-being",
        "Reduce deployment pain and rework and watch for burnout: sustainable delivery depends on the people doing it."),
    entry!("platform_engineering", "Platform engineering", Emerging, "platform-engineering",
        "Offer internal platforms as products with self-service paths, so squads spend their effort on their own service rather than on shared plumbing."),
    entry!("user_centric_focus", "User-centric focus", Emerging, "user-centric-focus",
        "Keep the squad's attention on the people who use the software: understand their needs and measure success by outcomes for them."),
    entry!("healthy_data_ecosystems", "Healthy data ecosystems", Emerging, "healthy-data-ecosystems",
        "Keep internal data high in quality, easy to reach and unified, so teams and tools can rely on it."),
    entry!("clear_ai_stance", "Clear and communicated AI stance", Emerging, "clear-and-communicated-ai-stance",
        "Say plainly how the organisation expects AI tools to be used, what is allowed and what is not, so people can adopt them with confidence."),
    entry!("ai_accessible_data", "AI-accessible internal data", Emerging, "ai-accessible-internal-data",
        "Connect AI tools to the organisation's own code, documentation and data, safely, so their help reflects local context."),
];

pub fn find(key: &str) -> Option<&'static CatalogEntry> {
    CATALOG.iter().find(|e| e.key == key)
}

/// Case-insensitive search over name and description.
pub fn search(query: &str) -> impl Iterator<Item = &'static CatalogEntry> + '_ {
    let needle = query.trim().to_lowercase();
    CATALOG.iter().filter(move |e| {
        needle.is_empty() || e.name.to_lowercase().contains(&needle) || e.description.to_lowercase().contains(&needle)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dora::capabilities::CapabilityKey;

    #[test]
    fn catalog_has_every_category_and_unique_keys() {
        let count = |c| CATALOG.iter().filter(|e| e.category == c).count();
        assert_eq!(
            (
                count(Category::Technical),
                count(Category::Process),
                count(Category::Cultural),
                count(Category::Emerging)
            ),
            (14, 10, 5, 5)
        );
        let mut keys: Vec<_> = CATALOG.iter().map(|e| e.key).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), CATALOG.len());
        assert!(CATALOG
            .iter()
            .all(|e| e.url.starts_with("https://dora.dev/capabilities/") && !e.description.is_empty()));
    }

    #[test]
    fn every_recommended_capability_is_in_the_catalog() {
        for k in CapabilityKey::ALL {
            assert!(find(k.catalog_key()).is_some(), "{k:?}");
        }
    }

    #[test]
    fn search_matches_name_and_description() {
        assert!(search("TRUNK").any(|e| e.key == "trunk_based"));
        assert!(search("burnout").any(|e| e.key == "well_being"));
        assert_eq!(search("").count(), CATALOG.len());
        assert_eq!(search("zzz-no-such").count(), 0);
    }
}

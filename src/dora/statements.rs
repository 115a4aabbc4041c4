//! The self-assessment statements for each recommended capability, in this
//! project's own words. Counts follow the reference table.

use super::capabilities::CapabilityKey;

pub fn statements(key: CapabilityKey) -> &'static [&'static str] {
    use CapabilityKey::*;
    match key {
        Westrum => &[
            "People in and around the squad actively look for the information they need and get it.",
            "Whoever brings bad news is thanked, not blamed.",
            "Responsibilities are shared across the squad rather than guarded.",
            "Working across team boundaries is encouraged and rewarded.",
            "When something fails, we look into the causes rather than for a culprit.",
            "New ideas are welcome, wherever they come from.",
            "We treat failures as chances to improve how the system works.",
        ],
        Monitoring => &[
            "We have reporting that shows the overall health of our systems.",
            "We can see our service's health as customers experience it.",
            "We watch business metrics as well as system metrics.",
            "We have the tools to understand and debug what happens in production.",
            "Our tooling helps us find problems we did not anticipate.",
            "We can trace an infrastructure problem across the services it affects.",
        ],
        SmallBatches => &[
            "We slice features so that they can be released often.",
            "Our work items are small enough to finish in a week or less.",
            "We break work down into minimum viable pieces that each deliver value.",
        ],
        LearningCulture => &[
            "Our organisation sees learning as the way it keeps improving.",
            "We believe that once we stop learning, our future is at risk.",
            "Learning is treated as an investment, not a cost.",
        ],
        WipLimits => &[
            "The squad limits how much work is in progress at once.",
            "Our process makes those limits stick.",
            "Our limits make obstacles in the flow of work visible.",
            "When we hit a limit we improve the process rather than raise the limit.",
            "Our limits help us finish more work, not less.",
        ],
        TrunkBased => &[
            "Everyone merges their work into trunk at least once a day.",
            "We have fewer than three active branches at any time.",
            "We never freeze the code or lock the trunk.",
            "Our branches live for less than a day.",
        ],
        Ci => &[
            "Every commit triggers a build of the software.",
            "Every commit triggers the automated tests.",
            "Builds and tests pass at least once every day.",
            "Each build is available to testers for exploratory testing.",
            "We get feedback from acceptance and performance tests every day.",
        ],
        Cd => &[
            "Our software is in a deployable state throughout its life.",
            "Keeping the software deployable comes before working on new features.",
            "Everyone gets fast feedback on whether the system is deployable.",
            "Fixing a broken build is the squad's first priority.",
            "We can deploy to production, or release to users, on demand.",
        ],
        Architecture => &[
            "We can make large changes to our system's design without asking anyone outside the squad.",
            "We can get our work done without coordinating with people outside the squad.",
            "Our changes do not create work for other teams.",
            "We do not wait for other teams to change their systems before we can deliver.",
            "We can deploy our service independently of the services it depends on.",
            "We can test our service without an integrated test environment.",
            "We deploy during business hours with negligible downtime.",
        ],
        ContinuousTesting => &[
            "Developers create and maintain the acceptance tests.",
            "When the automated tests pass, we are confident the software can be released.",
            "When the automated tests fail, it is because of a real defect.",
            "Test failures are easy to understand and fix.",
            "Developers can reproduce test failures on their own machines.",
            "Tests run as part of the everyday development toolchain.",
            "The test suite is reviewed and improved continuously.",
            "The test data we need is available when we need it.",
            "Testers work side by side with developers.",
            "Manual exploratory and usability testing happens throughout delivery.",
            "We write tests before or together with the code.",
            "We get feedback from the tests in under ten minutes.",
        ],
        Cloud => &[
            "We provision the infrastructure we need ourselves, without raising tickets.",
            "Our services are reachable over the network from wherever they are needed.",
            "Resources come from a shared pool and are assigned on demand.",
            "Capacity grows and shrinks automatically with demand.",
            "We can see what our infrastructure costs and how much we use.",
        ],
        Maintainability => &[
            "We can change code owned by other teams when we need to.",
            "Good examples in the code base are easy to find.",
            "Code is easy to reuse across the organisation.",
            "Adding a new dependency is easy.",
            "Moving a dependency to a newer version is easy.",
            "The dependencies we rely on are stable and rarely break us.",
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_match_the_reference_table() {
        use CapabilityKey::*;
        let expected = [
            (Westrum, 7),
            (Monitoring, 6),
            (SmallBatches, 3),
            (LearningCulture, 3),
            (WipLimits, 5),
            (TrunkBased, 4),
            (Ci, 5),
            (Cd, 5),
            (Architecture, 7),
            (ContinuousTesting, 12),
            (Cloud, 5),
            (Maintainability, 6),
        ];
        for (key, count) in expected {
            assert_eq!(statements(key).len(), count, "{key:?}");
        }
    }
}

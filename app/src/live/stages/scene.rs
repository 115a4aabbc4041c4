//! Set the scene: the four metrics and the delivery principles.

use checkpoint_core::dora::Question;
use leptos::prelude::*;

use crate::live::controls::NextStage;

#[component]
pub fn SceneStage() -> impl IntoView {
    view! {
        <h2 id="stage-heading">"Set the scene"</h2>
        <p>"Four metrics describe how a squad delivers software: two for speed, two for stability. We answer each for our primary application or service, as it is today."</p>
        <ul class="metric-explainers">
            {Question::ALL.into_iter().map(|q| view! {
                <li><h3>{q.title()}</h3><p>{scene_text(q)}</p></li>
            }).collect_view()}
        </ul>
        <h3>"Delivery principles"</h3>
        <ul>
            <li>"Small batches: small changes are easier to review, test, deploy and undo."</li>
            <li>"Automate the path to production so that a deploy is routine, not an event."</li>
            <li>"Build quality in: fast feedback from tests, monitoring and users."</li>
            <li>"Speed and stability go together; the best squads improve both."</li>
        </ul>
        <NextStage/>
    }
}

fn scene_text(q: Question) -> &'static str {
    match q {
        Question::LeadTime => "Speed: how long a committed change takes to run successfully in production.",
        Question::DeployFrequency => "Speed: how often the squad deploys to production or releases to users.",
        Question::TimeToRestore => {
            "Stability: how long it takes to restore service after an incident that affects users."
        }
        Question::ChangeFailureRate => "Stability: the share of deployments that degrade service and need a fix.",
    }
}

use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text=""/>
        <section class="hero">
            <h1>"Run your squad's DevOps Checkpoint"</h1>
            <p class="lead">"A two-hour quarterly workshop, end to end: the squad votes on the four DORA questions from their laptops, sees its delivery maturity, picks the capabilities to work on, maps its path to production and leaves with actions and a summary worth sharing."</p>
            <div class="hero-actions">
                <a class="button primary" href="/join">"Join a checkpoint"</a>
                <a class="button" href="/quick-check">"Take the quick check"</a>
                // A full page load, so that the server sends someone signed out to the sign-in form and back.
                <a class="button" href="/squads" rel="external">"Facilitate a checkpoint"</a>
            </div>
        </section>
        <section class="grid three">
            <article class="card">
                <h2>"Facilitators"</h2>
                <p>"Create squads and checkpoints, drive the stages, reveal votes and lock the group's answers."</p>
            </article>
            <article class="card">
                <h2>"Squad members"</h2>
                <p>"Join with a short code, vote privately, rate capabilities and add sticky notes. No account needed."</p>
            </article>
            <article class="card">
                <h2>"Leadership"</h2>
                <p>"Review past checkpoints by squad and tribe and follow how delivery performance moves quarter to quarter."</p>
            </article>
        </section>
    }
}

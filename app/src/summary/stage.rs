//! The room's last two stages: the summary, and the anonymous survey.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::page::load_summary;
use super::view::SummaryBody;
use crate::errors::FormError;
use crate::layout::ErrorNotice;
use crate::live::controls::NextStage;
use crate::live::link::use_live;

#[component]
pub fn SummaryStage() -> impl IntoView {
    let live = use_live();
    let id = live.peek(|v| v.info.id.clone());
    let summary_href = format!("/checkpoints/{id}/summary");
    let data = Resource::new(move || id.clone(), |id| load_summary(id, None));
    view! {
        <h2 id="stage-heading">"Summary"</h2>
        <p>
            "What the squad takes away. The facilitator adds highlights and finalises it on "
            <a href=summary_href.clone() data-testid="summary-link">"the summary page"</a>
            ", which also exports it as Markdown, JSON or a printable page."
        </p>
        <Suspense fallback=|| view! { <p class="muted" role="status">"Gathering the summary…"</p> }>
            {move || data.get().map(|result| match result {
                Err(e) => view! { <ErrorNotice e/> }.into_any(),
                Ok(d) => view! { <SummaryBody summary=d.page.summary/> }.into_any(),
            })}
        </Suspense>
        <NextStage/>
    }
}

/// What the survey stage needs to know about the reader.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyStatus {
    pub answered: bool,
    pub responses: usize,
}

#[server(endpoint = "survey_status")]
pub async fn load_survey_status(id: String) -> Result<SurveyStatus, ServerFnError> {
    use crate::context::{app_context, into_server_error, require_participant};
    let participant = require_participant(&id).await?;
    let store = &app_context()?.store;
    let answered = store
        .has_answered_survey(&id, &participant)
        .await
        .map_err(into_server_error)?;
    let responses = store.survey_results(&id).await.map_err(into_server_error)?.responses;
    Ok(SurveyStatus { answered, responses })
}

#[server(endpoint = "answer_survey")]
pub async fn answer_survey(
    id: String,
    usefulness: Option<String>,
    went_well: String,
    to_improve: String,
) -> Result<(), ServerFnError> {
    use crate::context::{app_context, form_error, require_participant};
    use checkpoint_core::summary::SurveyResponse;
    let participant = require_participant(&id).await?;
    let response =
        SurveyResponse::parse(usefulness.as_deref(), &went_well, &to_improve).map_err(|e| form_error(e.into()))?;
    let ctx = app_context()?;
    ctx.store
        .answer_survey(&id, &participant, &response)
        .await
        .map_err(form_error)?;
    // The facilitator's count follows live.
    ctx.rooms.refresh(&id).await;
    leptos_axum::redirect(&format!("/checkpoints/{id}"));
    Ok(())
}

#[component]
pub fn SurveyStage() -> impl IntoView {
    let live = use_live();
    let id = live.peek(|v| v.info.id.clone());
    let facilitator = live.select(move |v| v.facilitator);
    let responses = live.select(move |v| v.survey_responses);
    let count = move || match responses.get() {
        1 => "1 response so far.".to_string(),
        n => format!("{n} responses so far."),
    };
    let form_id = id.clone();
    let status = Resource::new(move || id.clone(), load_survey_status);
    view! {
        <h2 id="stage-heading">"Survey"</h2>
        <p class="muted">"Three questions about this session. Answers are anonymous: they are stored without your name, and shown only together with everyone else's."</p>
        <Suspense fallback=|| view! { <p class="muted" role="status">"Loading the survey…"</p> }>
            {move || status.get().map(|result| match result {
                Err(e) => view! { <ErrorNotice e/> }.into_any(),
                Ok(s) if s.answered => view! {
                    <p class="notice notice-ok" role="status" data-testid="survey-thanks">"Thank you: your answer is in."</p>
                    <Show when=move || facilitator.get()><p data-testid="survey-count">{count}</p></Show>
                }.into_any(),
                Ok(_) => view! {
                    <Show when=move || facilitator.get()><p data-testid="survey-count">{count}</p></Show>
                    <FormError result=Signal::derive(|| None::<Result<(), ServerFnError>>) form="answer_survey"/>
                    <form method="post" action="/api/answer_survey" class="form survey-form">
                        <input type="hidden" name="id" value=form_id.clone()/>
                        <fieldset>
                            <legend>"How useful was this session? (1 = not at all, 5 = very)"</legend>
                            <div class="scale">
                                {(1..=5).map(|n| view! {
                                    <label class="scale-choice">
                                        <input type="radio" name="usefulness" value=n.to_string() required/>
                                        <span>{n}</span>
                                    </label>
                                }).collect_view()}
                            </div>
                        </fieldset>
                        <label for="went-well">"What went well?"</label>
                        <textarea id="went-well" name="went_well" rows="3" maxlength="1000"></textarea>
                        <label for="to-improve">"What should we improve?"</label>
                        <textarea id="to-improve" name="to_improve" rows="3" maxlength="1000"></textarea>
                        <button type="submit" class="button primary">"Send anonymously"</button>
                    </form>
                }.into_any(),
            })}
        </Suspense>
    }
}

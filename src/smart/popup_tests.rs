//! Signing in through a new window: when it is offered, and which messages the frame accepts.

use super::*;
use crate::smart::authorize::{test_record, LaunchKind};

const APP: &str = "https://app.example";

fn url(s: &str) -> Url {
    Url::parse(s).unwrap()
}

fn answer_for(record: &InFlightRecord, response: &str) -> String {
    relay_message(&url(&format!(
        "https://app.example/callback?{response}&state={}",
        record.state.as_str()
    )))
}

fn from_sign_in_place(data: &str) -> Incoming<'_> {
    Incoming {
        origin: APP,
        from_sign_in_window: true,
        data: Some(data),
    }
}

#[test]
fn a_frame_signs_in_through_a_new_window_unless_the_server_is_known_to_allow_frames() {
    assert_eq!(sign_in_place(true, false), SignInPlace::NewWindow);
    assert_eq!(sign_in_place(true, true), SignInPlace::ThisWindow);
}

#[test]
fn a_top_level_window_signs_in_where_it_is() {
    assert_eq!(sign_in_place(false, false), SignInPlace::ThisWindow);
    assert_eq!(sign_in_place(false, true), SignInPlace::ThisWindow);
}

#[test]
fn no_window_or_an_already_closed_one_means_the_sign_in_window_was_blocked() {
    let closed = |window: &&str| *window == "closed";
    assert_eq!(check_opened(None, closed), Err(SignInWindowError::Blocked));
    assert_eq!(
        check_opened(Some("closed"), closed),
        Err(SignInWindowError::Blocked)
    );
    assert_eq!(check_opened(Some("open"), closed), Ok("open"));
}

#[test]
fn a_blocked_sign_in_window_is_explained_in_plain_words() {
    assert_eq!(
        SignInWindowError::Blocked.message(),
        "Your browser blocked the sign-in window; allow pop-ups for this site and try again."
    );
}

#[test]
fn the_callback_hands_back_only_without_a_record_and_with_a_bedside_opener() {
    assert_eq!(
        callback_role(false, Some("opener")),
        CallbackRole::HandBack("opener")
    );
    assert_eq!(callback_role(true, Some("opener")), CallbackRole::Complete);
    assert_eq!(callback_role::<&str>(false, None), CallbackRole::Complete);
    assert_eq!(callback_role::<&str>(true, None), CallbackRole::Complete);
}

#[test]
fn the_relayed_message_carries_only_the_authorization_response() {
    let callback = url("https://app.example/callback?debug=1&code=c&state=s&iss=i");
    let message: serde_json::Value = serde_json::from_str(&relay_message(&callback)).unwrap();
    assert_eq!(message["kind"], MESSAGE_KIND);
    assert_eq!(
        message["params"],
        serde_json::json!([["code", "c"], ["state", "s"], ["iss", "i"]])
    );
}

#[test]
fn the_answer_from_the_sign_in_window_is_verified_against_the_record_in_memory() {
    let record = test_record(LaunchKind::Ehr { launch: "l".into() });
    let message = answer_for(&record, "code=abc");
    let mut waiting = AwaitingAnswer::new(record, APP);
    let verified = waiting
        .receive(from_sign_in_place(&message), 2_000)
        .expect("the answer")
        .expect("a verified code");
    assert_eq!(verified.code.expose(), "abc");
}

#[test]
fn a_message_from_another_origin_is_ignored() {
    let record = test_record(LaunchKind::Ehr { launch: "l".into() });
    let message = answer_for(&record, "code=abc");
    let mut waiting = AwaitingAnswer::new(record, APP);
    let foreign = Incoming {
        origin: "https://evil.example",
        ..from_sign_in_place(&message)
    };
    assert!(waiting.receive(foreign, 2_000).is_none());
    // The genuine answer still completes: the foreign one spent nothing.
    assert!(matches!(
        waiting.receive(from_sign_in_place(&message), 2_000),
        Some(Ok(_))
    ));
}

#[test]
fn a_message_from_another_window_of_the_same_origin_is_ignored() {
    let record = test_record(LaunchKind::Ehr { launch: "l".into() });
    let message = answer_for(&record, "code=abc");
    let mut waiting = AwaitingAnswer::new(record, APP);
    let other_window = Incoming {
        from_sign_in_window: false,
        ..from_sign_in_place(&message)
    };
    assert!(waiting.receive(other_window, 2_000).is_none());
}

#[test]
fn messages_that_are_not_bedside_answers_are_ignored() {
    let mut waiting = AwaitingAnswer::new(test_record(LaunchKind::Ehr { launch: "l".into() }), APP);
    for data in ["hello", "{\"kind\":\"other\",\"params\":[]}", "[1,2]"] {
        assert!(waiting.receive(from_sign_in_place(data), 2_000).is_none());
    }
    let not_text = Incoming {
        data: None,
        ..from_sign_in_place("")
    };
    assert!(waiting.receive(not_text, 2_000).is_none());
}

#[test]
fn an_answer_with_another_state_is_refused() {
    let record = test_record(LaunchKind::Ehr { launch: "l".into() });
    let forged = relay_message(&url("https://app.example/callback?code=abc&state=forged"));
    let mut waiting = AwaitingAnswer::new(record, APP);
    assert_eq!(
        waiting
            .receive(from_sign_in_place(&forged), 2_000)
            .unwrap()
            .unwrap_err(),
        CallbackError::UnknownState
    );
}

#[test]
fn a_second_answer_is_ignored_because_the_record_was_used() {
    let record = test_record(LaunchKind::Ehr { launch: "l".into() });
    let message = answer_for(&record, "code=abc");
    let mut waiting = AwaitingAnswer::new(record, APP);
    assert!(waiting
        .receive(from_sign_in_place(&message), 2_000)
        .is_some());
    assert!(waiting
        .receive(from_sign_in_place(&message), 2_000)
        .is_none());
}

#[test]
fn a_refusal_in_the_sign_in_window_reaches_the_frame_as_a_refusal() {
    let record = test_record(LaunchKind::Ehr { launch: "l".into() });
    let message = answer_for(&record, "error=access_denied");
    let mut waiting = AwaitingAnswer::new(record, APP);
    let error = waiting
        .receive(from_sign_in_place(&message), 2_000)
        .unwrap()
        .unwrap_err();
    assert_eq!(error.title(), "Access was not granted");
}

#[test]
fn a_relayed_answer_follows_the_callback_rules_for_repeated_parameters() {
    let record = test_record(LaunchKind::Ehr { launch: "l".into() });
    let doubled = answer_for(&record, "code=a&code=b");
    let mut waiting = AwaitingAnswer::new(record, APP);
    assert_eq!(
        waiting
            .receive(from_sign_in_place(&doubled), 2_000)
            .unwrap()
            .unwrap_err(),
        CallbackError::RepeatedParameter("code".into())
    );
}

#[test]
fn an_answer_the_sign_in_window_received_at_another_redirect_uri_is_refused() {
    let record = test_record(LaunchKind::Ehr { launch: "l".into() });
    let elsewhere = relay_message(&url(&format!(
        "https://app.example/callback/other?code=abc&state={}",
        record.state.as_str()
    )));
    let mut waiting = AwaitingAnswer::new(record, APP);
    assert!(matches!(
        waiting
            .receive(from_sign_in_place(&elsewhere), 2_000)
            .unwrap()
            .unwrap_err(),
        CallbackError::WrongRedirectUri { .. }
    ));
}

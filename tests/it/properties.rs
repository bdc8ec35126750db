//! Property tests: any random or mutated request that is not a valid
//! request (by `schemas/request.json`) gets one JSON reply, exit 2, and
//! sends nothing to Gandi.

use proptest::prelude::*;
use serde_json::Value;

use crate::fake::{FakeGandi, TOKEN_FULL};
use crate::support::{request_is_valid, Skill};

const VALID: &[&str] = &[
    r#"{"action":"domains.list","tld":"fr"}"#,
    r#"{"action":"domains.get","domain":"example.com"}"#,
    r#"{"action":"dns.records.list","domain":"example.com","name":"www","type":"A"}"#,
    r#"{"action":"dns.records.get","domain":"example.com","name":"@","type":"MX","sharing_id":"abc"}"#,
    r#"{"action":"account.whoami","sandbox":false}"#,
];

fn check(fake: &FakeGandi, skill: &Skill, input: &str) -> Result<(), TestCaseError> {
    let parsed: Option<Value> = serde_json::from_str(input).ok();
    if parsed.as_ref().is_some_and(request_is_valid) {
        return Ok(()); // a valid request may legitimately reach Gandi
    }
    fake.clear_requests();
    let run = skill.run(input);
    prop_assert_eq!(run.code, 2, "input {:?} gave {}", input, run.stdout);
    prop_assert_eq!(run.status(), "error");
    prop_assert!(
        fake.requests().is_empty(),
        "input {:?} reached Gandi",
        input
    );
    Ok(())
}

fn mutate(base: &str, pos: usize, op: u8, ch: char) -> String {
    let mut chars: Vec<char> = base.chars().collect();
    let i = pos % chars.len();
    match op % 3 {
        0 => {
            chars.remove(i);
        }
        1 => chars.insert(i, ch),
        _ => chars[i] = ch,
    }
    chars.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_text_is_refused_without_a_request(input in "\\PC{0,80}") {
        let fake = FakeGandi::start();
        let skill = Skill::with_env_token(&fake, TOKEN_FULL);
        check(&fake, &skill, &input)?;
    }

    #[test]
    fn mutated_requests_are_refused_without_a_request(
        which in 0..VALID.len(), pos in 0usize..200, op in 0u8..3,
        ch in prop::sample::select(vec!['"', '{', '}', ',', ':', 'x', '1', ' ', '[', 'é', '\\']),
    ) {
        let fake = FakeGandi::start();
        let skill = Skill::with_env_token(&fake, TOKEN_FULL);
        check(&fake, &skill, &mutate(VALID[which], pos, op, ch))?;
    }
}

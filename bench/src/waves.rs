//! Counting sequential network waves from resource timing.
//!
//! The rule: take the app's requests after the callback page started, ordered by start time.
//! The first request opens wave 1. A later request joins the open wave if it started before
//! any request of that wave had ended: it cannot have waited for one of them. Otherwise, if it
//! asks for the same origin and path as an earlier request (a FHIR search's `next` page), it
//! is a page follow-up, counted apart and not a wave. Otherwise it opens the next wave.
//!
//! Each wave is therefore a set of requests that the app sent without waiting on each other,
//! and each new wave is a round trip the user waits for.

/// One request as resource timing saw it (milliseconds since the document's time origin).
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// The request's URL.
    pub url: String,
    /// `startTime`.
    pub start: f64,
    /// `responseEnd`.
    pub end: f64,
}

/// What [`count`] found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Waves {
    /// How many requests each sequential wave holds, in order.
    pub sizes: Vec<usize>,
    /// Requests for a further page of an earlier request's search.
    pub page_follow_ups: usize,
    /// Every request counted.
    pub requests: usize,
}

/// Sorts `requests` into waves and page follow-ups by the rule in this module's doc.
pub fn count(requests: &[Request]) -> Waves {
    let mut sorted: Vec<&Request> = requests.iter().collect();
    sorted.sort_by(|a, b| a.start.total_cmp(&b.start));
    let mut waves = Waves {
        requests: sorted.len(),
        ..Waves::default()
    };
    let mut first_end_of_open_wave = f64::NEG_INFINITY;
    let mut seen_paths: Vec<&str> = Vec::new();
    for request in sorted {
        let path = without_query(&request.url);
        if !waves.sizes.is_empty() && request.start < first_end_of_open_wave {
            *waves.sizes.last_mut().expect("an open wave") += 1;
            first_end_of_open_wave = first_end_of_open_wave.min(request.end);
        } else if seen_paths.contains(&path) {
            waves.page_follow_ups += 1;
        } else {
            waves.sizes.push(1);
            first_end_of_open_wave = request.end;
        }
        seen_paths.push(path);
    }
    waves
}

fn without_query(url: &str) -> &str {
    url.split(['?', '#']).next().unwrap_or(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(url: &str, start: f64, end: f64) -> Request {
        Request {
            url: url.into(),
            start,
            end,
        }
    }

    #[test]
    fn a_token_then_a_parallel_wave_is_two_waves() {
        let waves = count(&[
            request("http://ehr/token", 0.0, 60.0),
            request("http://ehr/fhir/Patient/1", 61.0, 120.0),
            request("http://ehr/fhir/Condition?patient=1", 62.0, 130.0),
            request(
                "http://ehr/fhir/Observation?category=vital-signs",
                63.0,
                140.0,
            ),
        ]);
        assert_eq!(waves.sizes, vec![1, 3]);
        assert_eq!(waves.page_follow_ups, 0);
        assert_eq!(waves.requests, 4);
    }

    #[test]
    fn a_next_page_of_an_earlier_search_is_a_follow_up_not_a_wave() {
        let waves = count(&[
            request("http://ehr/token", 0.0, 60.0),
            request(
                "http://ehr/fhir/Observation?category=laboratory",
                61.0,
                120.0,
            ),
            request(
                "http://ehr/fhir/Observation?category=laboratory&_offset=100",
                121.0,
                180.0,
            ),
        ]);
        assert_eq!(waves.sizes, vec![1, 1]);
        assert_eq!(waves.page_follow_ups, 1);
    }

    #[test]
    fn a_request_that_waited_for_an_answer_opens_a_new_wave() {
        let waves = count(&[
            request("http://ehr/token", 0.0, 60.0),
            request("http://ehr/fhir/Patient/1", 61.0, 120.0),
            request("http://ehr/fhir/Practitioner/9", 125.0, 180.0),
        ]);
        assert_eq!(waves.sizes, vec![1, 1, 1]);
    }
}

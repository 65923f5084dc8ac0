//! The effect of a metadata change on what a requirement demands: stricter,
//! looser, mixed or neutral, so that a reader sees at a glance which
//! requirements got stricter.
//!
//! The rules, per metadata key:
//! - `level`: `recommendation` -> `obligation` is stricter, the reverse looser.
//! - `timeframe`: a shorter one (`36-months` -> `12-months`, or to
//!   `immediately`) is stricter, a longer one looser.
//! - `applies-to`: more roles is stricter (more actors must meet it), fewer
//!   looser; roles swapped for others is mixed (stricter for some, looser
//!   for others).
//! - `commodities`: the commodities a requirement is specific to, where none
//!   means every commodity. Covering more commodities (or all, by dropping
//!   the list) is stricter, fewer looser, others instead mixed.
//! - `oecd`: which OECD Annex II risks a requirement addresses is a
//!   classification that demands nothing by itself: neutral.
//!
//! A requirement's overall effect combines its keys': stricter when every
//! non-neutral key is stricter, looser when every one is looser, mixed when
//! both occur, neutral when none is either.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::model::{Commodity, Level, Role, Timeframe, Vocabulary};

/// What a metadata change does to what a requirement demands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Effect {
    /// More is demanded, sooner, or of more actors.
    Stricter,
    /// Less is demanded, later, or of fewer actors.
    Looser,
    /// Stricter in one respect and looser in another.
    Mixed,
    /// Neither stricter nor looser.
    Neutral,
}

impl Effect {
    /// The name used in exports and pages.
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Stricter => "stricter",
            Effect::Looser => "looser",
            Effect::Mixed => "mixed",
            Effect::Neutral => "neutral",
        }
    }

    /// The effect of several changes made together.
    pub fn combine(effects: impl IntoIterator<Item = Effect>) -> Effect {
        let (mut stricter, mut looser) = (false, false);
        for e in effects {
            match e {
                Effect::Stricter => stricter = true,
                Effect::Looser => looser = true,
                Effect::Mixed => (stricter, looser) = (true, true),
                Effect::Neutral => {}
            }
        }
        match (stricter, looser) {
            (true, true) => Effect::Mixed,
            (true, false) => Effect::Stricter,
            (false, true) => Effect::Looser,
            (false, false) => Effect::Neutral,
        }
    }
}

/// `level`: an obligation is stricter than a recommendation.
pub fn of_level(old: Level, new: Level) -> Effect {
    match (old, new) {
        (Level::Recommendation, Level::Obligation) => Effect::Stricter,
        (Level::Obligation, Level::Recommendation) => Effect::Looser,
        _ => Effect::Neutral,
    }
}

/// `timeframe`: a shorter timeframe is stricter.
pub fn of_timeframe(old: Timeframe, new: Timeframe) -> Effect {
    match new.cmp(&old) {
        std::cmp::Ordering::Less => Effect::Stricter,
        std::cmp::Ordering::Greater => Effect::Looser,
        std::cmp::Ordering::Equal => Effect::Neutral,
    }
}

/// A change of scope: a wider set is stricter, a narrower one looser.
fn of_scope<T: Ord>(old: BTreeSet<T>, new: BTreeSet<T>) -> Effect {
    if old == new {
        Effect::Neutral
    } else if new.is_superset(&old) {
        Effect::Stricter
    } else if new.is_subset(&old) {
        Effect::Looser
    } else {
        Effect::Mixed
    }
}

/// `applies-to`: more roles is stricter.
pub fn of_roles(old: &[Role], new: &[Role]) -> Effect {
    of_scope(old.iter().collect(), new.iter().collect())
}

/// `commodities`: covering more commodities is stricter; an empty list covers all.
pub fn of_commodities(old: &[Commodity], new: &[Commodity]) -> Effect {
    let all = |list: &[Commodity]| -> BTreeSet<Commodity> {
        if list.is_empty() {
            Commodity::VALUES.iter().map(|(_, c)| *c).collect()
        } else {
            list.iter().copied().collect()
        }
    };
    of_scope(all(old), all(new))
}

/// `oecd`: a classification of the risks addressed, neutral.
pub fn of_oecd() -> Effect {
    Effect::Neutral
}

#[cfg(test)]
mod tests {
    use super::*;
    use Commodity::*;
    use Role::*;

    #[test]
    fn level() {
        assert_eq!(of_level(Level::Recommendation, Level::Obligation), Effect::Stricter);
        assert_eq!(of_level(Level::Obligation, Level::Recommendation), Effect::Looser);
        assert_eq!(of_level(Level::Obligation, Level::Obligation), Effect::Neutral);
    }

    #[test]
    fn timeframe() {
        use Timeframe::*;
        assert_eq!(of_timeframe(Months36, Months12), Effect::Stricter);
        assert_eq!(of_timeframe(Months12, Immediately), Effect::Stricter);
        assert_eq!(of_timeframe(Immediately, Months24), Effect::Looser);
        assert_eq!(of_timeframe(Months24, Months36), Effect::Looser);
        assert_eq!(of_timeframe(Months24, Months24), Effect::Neutral);
    }

    #[test]
    fn applies_to() {
        assert_eq!(of_roles(&[Producer], &[Producer, Buyer]), Effect::Stricter);
        assert_eq!(of_roles(&[Producer, Buyer], &[Buyer]), Effect::Looser);
        assert_eq!(of_roles(&[Producer], &[Buyer]), Effect::Mixed);
        assert_eq!(of_roles(&[Buyer, Producer], &[Producer, Buyer]), Effect::Neutral);
    }

    #[test]
    fn commodities() {
        assert_eq!(of_commodities(&[Gold], &[Gold, Cobalt]), Effect::Stricter);
        assert_eq!(of_commodities(&[Gold], &[]), Effect::Stricter, "no list covers every commodity");
        assert_eq!(of_commodities(&[], &[Gold]), Effect::Looser);
        assert_eq!(of_commodities(&[Gold, ThreeT], &[ThreeT]), Effect::Looser);
        assert_eq!(of_commodities(&[Gold], &[Cobalt]), Effect::Mixed);
        assert_eq!(of_commodities(&[Gold, Cobalt, ThreeT, Gemstones], &[]), Effect::Neutral);
    }

    #[test]
    fn oecd_is_neutral() {
        assert_eq!(of_oecd(), Effect::Neutral);
    }

    #[test]
    fn effects_combine() {
        use Effect::*;
        assert_eq!(Effect::combine([Stricter, Neutral]), Stricter);
        assert_eq!(Effect::combine([Looser, Looser]), Looser);
        assert_eq!(Effect::combine([Stricter, Looser]), Mixed);
        assert_eq!(Effect::combine([Mixed]), Mixed);
        assert_eq!(Effect::combine([Neutral]), Neutral);
        assert_eq!(Effect::combine([]), Neutral);
    }
}

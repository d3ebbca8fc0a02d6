//! This process's turn at SQLite's single write lock: one writer at a time,
//! in arrival order, in two lanes taking turns.
//!
//! The first lane carries the job runner's claims and the batches of its
//! jobs' small writes ([`super::Db::write_shared`]): short writes that keep
//! worker slots at work. Queued behind a burst of people's writes (300 clips
//! published at once), the slots sat idle, and the jobs already running
//! stalled on their next step, until the last of those had committed. Now a
//! waiting first-lane writer goes next; then, if people's writes wait, one of
//! them, so neither lane starves the other.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use tokio::sync::oneshot;

/// Who asks for the turn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lane {
    /// In arrival order.
    Normal,
    /// Ahead of every normal writer still waiting (never of the one writing).
    First,
}

/// The queue of this process's writers.
#[derive(Clone, Debug, Default)]
pub struct Gate {
    state: Arc<Mutex<State>>,
}

#[derive(Debug, Default)]
struct State {
    held: bool,
    /// The last turn went to the first lane: the next goes to a normal
    /// writer if one waits, so that the first lane never starves the other.
    last_first: bool,
    first: VecDeque<oneshot::Sender<()>>,
    normal: VecDeque<oneshot::Sender<()>>,
}

/// The turn at the write lock; dropping it hands the lock to the next writer.
#[derive(Debug)]
pub struct Turn {
    gate: Gate,
}

impl Drop for Turn {
    fn drop(&mut self) {
        self.gate.release();
    }
}

/// A writer waiting for its turn. Dropped while waiting (a timeout), it
/// leaves the queue, and a turn handed to it at that moment passes on.
struct Waiting {
    rx: Option<oneshot::Receiver<()>>,
    gate: Gate,
}

impl Drop for Waiting {
    fn drop(&mut self) {
        if let Some(mut rx) = self.rx.take() {
            // After `close`, no turn can arrive; one that came before is
            // handed on.
            rx.close();
            if rx.try_recv().is_ok() {
                self.gate.release();
            }
        }
    }
}

impl Gate {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Waits for the turn in `lane`.
    pub async fn turn(&self, lane: Lane) -> Turn {
        let rx = {
            let mut s = self.lock();
            if !s.held {
                s.held = true;
                return Turn { gate: self.clone() };
            }
            let (tx, rx) = oneshot::channel();
            match lane {
                Lane::First => s.first.push_back(tx),
                Lane::Normal => s.normal.push_back(tx),
            }
            rx
        };
        let mut waiting = Waiting {
            rx: Some(rx),
            gate: self.clone(),
        };
        if let Some(rx) = waiting.rx.as_mut() {
            // The sender lives in the queue until it is used: an error cannot
            // happen while the gate exists, and the turn is ours either way.
            let _ = rx.await;
        }
        waiting.rx = None;
        Turn { gate: self.clone() }
    }

    /// Hands the lock to the next writer still waiting: the first lane's,
    /// unless it had the last turn and a normal writer waits.
    fn release(&self) {
        let mut s = self.lock();
        loop {
            // The first lane, unless it had the last turn and a person waits.
            let first = !s.first.is_empty() && (!s.last_first || s.normal.is_empty());
            let next = if first {
                s.first.pop_front()
            } else {
                s.normal.pop_front()
            };
            let Some(next) = next else { break };
            if next.send(()).is_ok() {
                s.last_first = first;
                return;
            }
        }
        s.held = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// Order in which waiting writers get the turn: a claim first, then the
    /// others in arrival order turn about with the first lane; one that gave
    /// up is skipped.
    #[tokio::test]
    async fn the_first_lane_goes_first_turn_about_and_a_writer_that_gave_up_is_skipped() {
        let gate = Gate::default();
        let held = gate.turn(Lane::Normal).await;
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for (name, lane) in [
            ("a", Lane::Normal),
            ("gone", Lane::Normal),
            ("b", Lane::Normal),
            ("claim", Lane::First),
            ("batch", Lane::First),
            ("batch 2", Lane::First),
        ] {
            let (gate, order) = (gate.clone(), order.clone());
            tasks.push(tokio::spawn(async move {
                let wait = if name == "gone" { 10 } else { 10_000 };
                let got = tokio::time::timeout(Duration::from_millis(wait), gate.turn(lane)).await;
                if let Ok(turn) = got {
                    order.lock().unwrap().push(name);
                    tokio::time::sleep(Duration::from_millis(5)).await;
                    drop(turn);
                }
            }));
            // Arrival order is the order of spawning.
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        tokio::time::sleep(Duration::from_millis(30)).await;
        drop(held);
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(
            *order.lock().unwrap(),
            vec!["claim", "a", "batch", "b", "batch 2"]
        );
        // Free again: the next writer gets the turn at once.
        let t = tokio::time::timeout(Duration::from_millis(100), gate.turn(Lane::Normal)).await;
        assert!(t.is_ok());
    }
}

//! OAuth1 consumers (`/v3/OS-OAUTH1/consumers`, keystone/oauth1): a consumer is an application that
//! may ask users for delegated access. Keystone generates its secret and shows it once, in the
//! create reply; reads leave it out. The request-token and access-token flow is not modelled.

use super::error::{Outcome, Refusal};
use super::model::{Consumer, Extra, Identity};
use crate::sim::Ids;

fn not_found() -> Refusal {
    // keystone/oauth1/backends/sql.py raises a bare NotFound with this text.
    Refusal::NotFound("Consumer not found".into())
}

impl Identity {
    pub fn consumer(&self, id: &str) -> Outcome<&Consumer> {
        self.consumers.iter().find(|c| c.id == id).ok_or_else(not_found)
    }

    pub fn create_consumer(&mut self, description: Option<String>, extra: Extra, ids: &mut Ids) -> &Consumer {
        let id = ids.hex();
        let secret = ids.hex();
        self.consumers.push(Consumer { id, description, secret, extra });
        self.consumers.last().expect("just pushed")
    }

    /// A PATCH merges the body into the consumer; `description: null` clears it. The secret cannot
    /// change (the schema refuses it before this).
    pub fn update_consumer(&mut self, id: &str, description: Option<Option<String>>, extra: Extra) -> Outcome<&Consumer> {
        let c = self.consumers.iter_mut().find(|c| c.id == id).ok_or_else(not_found)?;
        if let Some(d) = description {
            c.description = d;
        }
        c.extra.extend(extra);
        Ok(c)
    }

    pub fn delete_consumer(&mut self, id: &str) -> Outcome<()> {
        self.consumer(id)?;
        self.consumers.retain(|c| c.id != id);
        Ok(())
    }
}

//! Image members (glance/api/v2/image_members.py): an owner offers a `shared` image to another
//! project; that project alone answers (`accepted`, `rejected`, back to `pending`), and its answer
//! decides whether the image is in its default listings. Only the owner adds or removes members;
//! a member sees its own membership only.

use super::model::{not_found, ImageError, Images, Member, MEMBER_QUOTA};
use crate::sim::SimTime;

impl Images {
    fn owned_shared(
        &mut self,
        id: &str,
        project_id: Option<&str>,
        admin: bool,
        verb: &str,
    ) -> Result<&mut super::model::Image, ImageError> {
        let image = self.show(id, project_id, admin)?;
        if !admin && project_id != Some(image.owner.as_str()) {
            return Err(ImageError::Forbidden(format!("You are not permitted to {verb} image members for the image.")));
        }
        if image.visibility != "shared" {
            return Err(ImageError::Forbidden("Only shared images have members.".into()));
        }
        Ok(self.images.iter_mut().find(|i| i.id == id).expect("shown above"))
    }

    /// `POST /v2/images/{id}/members`: the owner offers the image to `member` (pending).
    pub fn add_member(
        &mut self,
        id: &str,
        member: &str,
        project_id: Option<&str>,
        admin: bool,
        now: SimTime,
    ) -> Result<Member, ImageError> {
        let image = self.owned_shared(id, project_id, admin, "create")?;
        if image.members.iter().any(|m| m.member_id == member) {
            return Err(ImageError::Conflict(format!("Member {member} already associated with image {id}.")));
        }
        if image.members.len() >= MEMBER_QUOTA {
            return Err(ImageError::TooLarge(format!(
                "The limit has been exceeded on the number of allowed image members for this image. Attempted: {}, Maximum: {MEMBER_QUOTA}",
                image.members.len() + 1
            )));
        }
        let m = Member { member_id: member.to_string(), status: "pending".into(), created_at: now, updated_at: now };
        image.members.push(m.clone());
        Ok(m)
    }

    /// `GET /v2/images/{id}/members`: all of them for the owner (or admin), a member's own otherwise.
    pub fn members(&self, id: &str, project_id: Option<&str>, admin: bool) -> Result<Vec<&Member>, ImageError> {
        let image = self.show(id, project_id, admin)?;
        if image.visibility != "shared" {
            return Err(ImageError::Forbidden("Only shared images have members.".into()));
        }
        let owner = admin || project_id == Some(image.owner.as_str());
        Ok(image.members.iter().filter(|m| owner || project_id == Some(m.member_id.as_str())).collect())
    }

    /// `GET /v2/images/{id}/members/{member}`: the owner, or that member itself.
    pub fn member_of(&self, id: &str, member: &str, project_id: Option<&str>, admin: bool) -> Result<&Member, ImageError> {
        self.members(id, project_id, admin)?
            .into_iter()
            .find(|m| m.member_id == member)
            .ok_or_else(|| ImageError::NotFound(format!("Member {member} not found")))
    }

    /// `PUT /v2/images/{id}/members/{member}`: only the member answers (or admin, as Glance's
    /// `is_member_mutable` allows), never the owner.
    pub fn set_member_status(
        &mut self,
        id: &str,
        member: &str,
        status: &str,
        project_id: Option<&str>,
        admin: bool,
        now: SimTime,
    ) -> Result<Member, ImageError> {
        self.member_of(id, member, project_id, admin)?;
        if !admin && project_id != Some(member) {
            return Err(ImageError::Forbidden("You are not permitted to modify 'status' on this image member.".into()));
        }
        let image = self.images.iter_mut().find(|i| i.id == id).ok_or_else(|| not_found(id))?;
        let m = image.members.iter_mut().find(|m| m.member_id == member).expect("found above");
        m.status = status.to_string();
        m.updated_at = now;
        Ok(m.clone())
    }

    /// `DELETE /v2/images/{id}/members/{member}`: the owner withdraws the offer.
    pub fn remove_member(&mut self, id: &str, member: &str, project_id: Option<&str>, admin: bool) -> Result<(), ImageError> {
        let image = self.owned_shared(id, project_id, admin, "delete")?;
        let at = image
            .members
            .iter()
            .position(|m| m.member_id == member)
            .ok_or_else(|| ImageError::NotFound(format!("Member {member} not found")))?;
        image.members.remove(at);
        Ok(())
    }
}

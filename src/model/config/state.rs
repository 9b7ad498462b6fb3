//! The session state a handshake writes back into a configuration, held
//! apart from the settings and allocated only when written.

use super::*;

/// What a handshake reports.
#[derive(Clone, Debug)]
pub(crate) struct SessionState {
    pub next_negotiated_protocol: OptBytes,
    pub next_protocol_negotiation_status: i32,
    pub peer_certificate: Certificate,
    pub peer_certificate_chain: Arc<[Certificate]>,
    pub session_cipher: Cipher,
    pub session_protocol: i32,
    pub ephemeral_server_key: Key,
}

impl Default for SessionState {
    fn default() -> Self {
        SessionState {
            next_negotiated_protocol: OptBytes::Null,
            next_protocol_negotiation_status: npn_status::NONE,
            peer_certificate: Certificate::null(),
            peer_certificate_chain: empty(),
            session_cipher: Cipher::null(),
            session_protocol: protocol::UNKNOWN_PROTOCOL,
            ephemeral_server_key: Key::null(),
        }
    }
}

impl PartialEq for SessionState {
    /// Every field, as for [`Settings`].
    fn eq(&self, o: &Self) -> bool {
        let SessionState {
            next_negotiated_protocol,
            next_protocol_negotiation_status,
            peer_certificate,
            peer_certificate_chain,
            session_cipher,
            session_protocol,
            ephemeral_server_key,
        } = self;
        *next_protocol_negotiation_status == o.next_protocol_negotiation_status
            && *session_protocol == o.session_protocol
            && *next_negotiated_protocol == o.next_negotiated_protocol
            && *peer_certificate == o.peer_certificate
            && arc_eq(peer_certificate_chain, &o.peer_certificate_chain)
            && *session_cipher == o.session_cipher
            && *ephemeral_server_key == o.ephemeral_server_key
    }
}

/// The session state, allocated only when a handshake writes it: the many
/// configurations that never see a handshake share one static default and
/// copy nothing for it (each reference held is an atomic operation on copy
/// and drop).
#[derive(Clone, Default)]
pub(crate) struct StateBox(Option<Cow<SessionState>>);

static DEFAULT_STATE: LazyLock<SessionState> = LazyLock::new(SessionState::default);

impl StateBox {
    /// A state written by a handshake.
    pub(crate) fn new(state: SessionState) -> Self {
        StateBox(Some(Cow::new(state)))
    }
}

impl std::ops::Deref for StateBox {
    type Target = SessionState;
    fn deref(&self) -> &SessionState {
        self.0.as_deref().unwrap_or(&DEFAULT_STATE)
    }
}

impl std::ops::DerefMut for StateBox {
    /// Write access: allocates the state on first write, detaches it if shared.
    fn deref_mut(&mut self) -> &mut SessionState {
        Cow::make_mut(
            self.0
                .get_or_insert_with(|| Cow::new(SessionState::default())),
        )
    }
}

impl PartialEq for StateBox {
    fn eq(&self, o: &Self) -> bool {
        match (&self.0, &o.0) {
            (None, None) => true,
            (Some(a), Some(b)) if Cow::ptr_eq(a, b) => true,
            _ => **self == **o,
        }
    }
}

impl std::fmt::Debug for StateBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (**self).fmt(f)
    }
}

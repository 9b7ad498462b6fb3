//! The process-wide default configuration, set and read across threads. In
//! its own test binary because it replaces the global default.

use qssl::model::config::SslConfiguration;

#[test]
fn default_configuration_round_trip_across_threads() {
    let original = SslConfiguration::default_configuration();
    let mut g = SslConfiguration::default_configuration();
    g.set_peer_verify_depth(4).unwrap();
    SslConfiguration::set_default_configuration(&g);
    let seen = std::thread::spawn(|| SslConfiguration::default_configuration().peer_verify_depth())
        .join()
        .unwrap();
    assert_eq!(seen, 4);
    assert!(SslConfiguration::default_configuration().shares_data_with(&g));
    g.set_peer_verify_depth(9).unwrap();
    assert_eq!(
        SslConfiguration::default_configuration().peer_verify_depth(),
        4,
        "later writes detach"
    );
    // An empty configuration may be the default.
    SslConfiguration::set_default_configuration(&SslConfiguration::new());
    assert!(SslConfiguration::default_configuration().is_null());
    SslConfiguration::set_default_configuration(&original);
    assert!(SslConfiguration::default_configuration() == original);
}

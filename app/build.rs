//! `sqlx::migrate!` embeds the migrations when `app` compiles; a new
//! migration file must make it compile again.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}

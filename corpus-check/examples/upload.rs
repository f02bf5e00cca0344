//! Upload a face image to Frigate (a corpus document whose
//! `POST /faces/{name}/register` takes `multipart/form-data` with a binary
//! `file`) through its generated client's typed form builder, from a path
//! on disk.
//!
//! ```text
//! cargo run -p mock-server -- --spec specs/corpus/frigate &
//! CORPUS_CHECK=frigate cargo run -p corpus-check --example upload -- \
//!     http://127.0.0.1:4010/api some-image.jpg
//! ```
//!
//! The mock parses the multipart body and checks it against the document
//! (its journal, `GET /__mock/requests`, lists the parts). Exits 0 when the
//! upload is accepted, 1 on an error, 2 on a usage error (or when the
//! Frigate module is not compiled: it is not by default).

use std::process::ExitCode;

#[cfg(corpus_frigate)]
#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    use corpus_check::frigate::Client;
    use sdk::forms::FilePart;

    let args: Vec<String> = std::env::args().skip(1).collect();
    let [base_url, path] = args.as_slice() else {
        eprintln!("usage: upload <base-url> <image-path>");
        return ExitCode::from(2);
    };
    let client = match Client::builder()
        .base_url(base_url)
        .credential(
            "frigateAdminAuth",
            sdk::auth::Credential::key("session-token"),
        )
        .build()
    {
        Ok(client) => client,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    let file = match FilePart::path(path).await {
        Ok(file) => file.content_type("image/jpeg"),
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    let bytes = file.len().unwrap_or_default();
    let sent = client
        .register_face_faces_name_register_post()
        .name("alice")
        .form()
        .file(file)
        .send()
        .await;
    match sent {
        Ok(answer) => {
            println!(
                "uploaded {bytes} bytes: {} {:?}",
                answer.status(),
                answer.into_inner()
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(not(corpus_frigate))]
fn main() -> ExitCode {
    eprintln!("the Frigate module is not compiled: run with CORPUS_CHECK=frigate");
    ExitCode::from(2)
}

//! Per operation whose success the document declares as a file
//! (`specs::is_download`: octet-stream, audio, images, video, archives),
//! `.download()` and `.download_with()` on its builder: the success's body
//! left unread, as a `crate::Download`.

use proc_macro2::TokenStream;
use quote::quote;
use specs::Operation;

use super::names::ident;
use super::{Generated, success_type};

/// Whether `operation` answers a file the SDK hands over unread.
pub fn downloads(operation: &Operation, generated: &Generated) -> bool {
    let file = operation.responses.iter().any(|r| {
        r.status.is_success()
            && r.body
                .as_ref()
                .is_some_and(|b| specs::is_download(&b.media_type))
    });
    file && success_type(operation, generated)
        .is_ok_and(|t| t.to_string() == quote!(bytes::Bytes).to_string())
}

/// `.download()` and `.download_with()` on the builder.
pub fn download_impl(operation: &Operation, builder: &str, prelude: &TokenStream) -> TokenStream {
    let builder_ident = ident(builder);
    let error = ident(&format!("{builder}Error"));
    let doc = format!(
        " Sends `{} {}` and hands over a success's body unread, to read a\n \
         chunk at a time (see [`crate::Download`]); a documented error status\n \
         is the same error as [`Self::send`]'s.",
        operation.method, operation.path
    );
    quote! {
        impl builder::#builder_ident<'_> {
            #[doc = #doc]
            pub async fn download(self) -> Result<crate::Download, errors::#error> {
                self.download_with(crate::CallOptions::default()).await
            }

            /// [`Self::download`] with this call's own timeout (until the
            /// response head arrives) or retry count.
            #[allow(unused_mut)]
            pub async fn download_with(mut self, options: crate::CallOptions) -> Result<crate::Download, errors::#error> {
                #prelude
                let received = crate::execute_open(settings, &Self::CALL, options, || self.clone().send_raw()).await?;
                match received {
                    crate::Received::Open(response) => Ok(crate::Download::open(response)),
                    crate::Received::Whole(raw) => {
                        let (status, headers) = (raw.status, raw.headers.clone());
                        Self::outcome(raw).map(|value| crate::Download::read(status, headers, value.into_inner()))
                    }
                }
            }
        }
    }
}

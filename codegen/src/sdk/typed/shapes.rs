//! Reading the shapes of progenitor's types (`Option<T>`, `Vec<T>`,
//! `Result<T, _>`, `bool`), for the typed layer's pagers and streams.

/// The one type argument of `ty` when its last segment is `outer` (`Vec<T>` -> `T`).
pub fn inner<'t>(ty: &'t syn::Type, outer: &str) -> Option<&'t syn::Type> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    if last.ident != outer {
        return None;
    }
    let syn::PathArguments::AngleBracketed(arguments) = &last.arguments else {
        return None;
    };
    match arguments.args.iter().collect::<Vec<_>>().as_slice() {
        [syn::GenericArgument::Type(inner)] => Some(inner),
        _ => None,
    }
}

/// The last segment of a type's path (`::std::string::String` -> `String`).
pub fn last_ident(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(path) => Some(path.path.segments.last()?.ident.to_string()),
        _ => None,
    }
}

/// `bool`, perhaps optional (`crate::pages::Flag`'s impls).
pub fn is_flag(ty: &syn::Type) -> bool {
    let ty = inner(ty, "Option").unwrap_or(ty);
    matches!(ty, syn::Type::Path(p) if p.path.is_ident("bool"))
}

/// An integer, perhaps optional (`crate::pages::Count`'s impls).
pub fn is_count(ty: &syn::Type) -> bool {
    let ty = inner(ty, "Option").unwrap_or(ty);
    last_ident(ty).is_some_and(|name| COUNTS.contains(&name.as_str()))
}

/// The integer types `crate::pages::Count` reads.
const COUNTS: &[&str] = &[
    "i8",
    "i16",
    "i32",
    "i64",
    "u8",
    "u16",
    "u32",
    "u64",
    "NonZeroU32",
    "NonZeroU64",
];

/// `T` of `Result<T, _>`.
pub fn inner_result(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    if last.ident != "Result" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(arguments) = &last.arguments else {
        return None;
    };
    match arguments.args.first()? {
        syn::GenericArgument::Type(ty) => Some(ty),
        _ => None,
    }
}

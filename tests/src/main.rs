//! Runs the contract matrix (`cargo test -p contract`), in parallel, and
//! prints every row. Arguments filter rows by substring.

use std::process::ExitCode;
use std::time::Duration;

#[tokio::main]
async fn main() -> ExitCode {
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let providers = match specs::load_providers(&specs::providers_dir()) {
        Ok(providers) => providers,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    let rows: Vec<_> = contract::rows(&providers)
        .into_iter()
        .filter(|(_, row)| {
            filters.is_empty() || filters.iter().any(|f| row.name.contains(f.as_str()))
        })
        .collect();

    let mut tasks = tokio::task::JoinSet::new();
    for (index, (target, row)) in rows.into_iter().enumerate() {
        tasks.spawn(async move {
            let result =
                match tokio::time::timeout(Duration::from_secs(60), contract::run(&target, &row))
                    .await
                {
                    Ok(result) => result,
                    Err(_) => Err("timed out after 60 s".to_string()),
                };
            (index, row.name, result)
        });
    }
    let mut results = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(result) => results.push(result),
            Err(error) => {
                results.push((usize::MAX, "a row panicked".into(), Err(error.to_string())))
            }
        }
    }
    results.sort_by_key(|(index, _, _)| *index);

    println!("contract matrix: {} rows", results.len());
    let mut failed = 0;
    for (_, name, result) in &results {
        match result {
            Ok(()) => println!("  ok    {name}"),
            Err(reason) => {
                failed += 1;
                println!("  FAIL  {name}\n          {reason}");
            }
        }
    }
    println!(
        "\ncontract: {} passed, {failed} failed",
        results.len() - failed
    );
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

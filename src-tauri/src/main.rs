//! The Hearth desktop app: a thin Tauri shell. Every command calls one hearth-api
//! function off the UI thread and hands back its result or an error with a stable
//! code; the rules live in hearth-core and hearth-api, the words in the UI's catalogue.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod file_manager;
mod shell;

fn main() {
    let state = match shell::Shared::from_env() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    };
    let result = tauri::Builder::default()
        .manage(std::sync::Arc::new(state))
        .invoke_handler(commands::handler())
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

// Package tui is the full-screen UI plugin of kratos-tui, built on tcell v2
// and rivo/tview. It is registered as "tui" and is the default on a
// terminal.
//
// Screens: launch (spinner and message; on failure the message and a retry
// key), sign in and sign up (rendered from the flow's ui.nodes, so any
// identity schema works), and "Session information" once signed in. A
// status line shows notices and a loading indicator for every call; a help
// bar lists the keys and ? (or F1) opens a help overlay. Ctrl-C quits from
// anywhere and restores the terminal.
//
// State events arrive on a bus goroutine: they are queued without blocking
// and applied on tview's event loop through QueueUpdateDraw. Tests inject a
// tcell.SimulationScreen and a draw hook through NewWithScreen.
package tui

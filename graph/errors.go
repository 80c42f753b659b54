package graph

import (
	"context"
	"errors"
	"fmt"
)

// Code classifies an error once, at the edge where it happens. Each transport
// has one table that maps codes to its own status (HTTP status, GraphQL
// extensions.code, CLI exit code).
type Code string

// Domain error codes.
const (
	CodeInvalidInput    Code = "BAD_USER_INPUT"    // malformed id, value, filter or row
	CodeNotFound        Code = "NOT_FOUND"         // an id that is not in the graph
	CodeConflict        Code = "CONFLICT"          // duplicate id with different data
	CodeUnauthenticated Code = "UNAUTHENTICATED"   // a write without a valid token
	CodeForbidden       Code = "FORBIDDEN"         // not allowed for this caller
	CodeUnavailable     Code = "STORE_UNAVAILABLE" // the store cannot be reached
	CodeTimeout         Code = "TIMEOUT"           // the request deadline passed
	CodeLimit           Code = "LIMIT_EXCEEDED"    // a size, depth, cost or page limit
	CodeInternal        Code = "INTERNAL"          // a bug or an unexpected store error
)

// Error is a classified error. Loaders fill File, Line and Field.
type Error struct {
	Code  Code
	Msg   string
	File  string // source file, for load errors
	Line  int    // 1-based line (row) in File, 0 if not known
	Field string // column or property name
	Err   error  // wrapped cause, may be nil
}

func (e *Error) Error() string {
	loc := ""
	if e.File != "" {
		loc = e.File
		if e.Line > 0 {
			loc += fmt.Sprintf(":%d", e.Line)
		}
		if e.Field != "" {
			loc += ":" + e.Field
		}
		loc += ": "
	} else if e.Field != "" {
		loc = e.Field + ": "
	}
	if e.Err != nil {
		return loc + e.Msg + ": " + e.Err.Error()
	}
	return loc + e.Msg
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns a classified error with a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Msg: fmt.Sprintf(format, args...)}
}

// Wrap classifies err with code and a message; nil stays nil.
func Wrap(code Code, err error, msg string) error {
	if err == nil {
		return nil
	}
	return &Error{Code: code, Msg: msg, Err: err}
}

// CodeOf returns the code of the first *Error in err's chain; context
// deadline errors are CodeTimeout; anything else is CodeInternal.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if isDeadline(err) {
		return CodeTimeout
	}
	return CodeInternal
}

func isDeadline(err error) bool {
	type timeout interface{ Timeout() bool }
	var t timeout
	if errors.As(err, &t) && t.Timeout() {
		return true
	}
	return errors.Is(err, context.DeadlineExceeded)
}

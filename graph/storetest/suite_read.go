package storetest

var readTests = []subtest{}

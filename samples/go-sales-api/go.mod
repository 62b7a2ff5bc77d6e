module example.invalid/headroom/go-sales-api

go 1.19

module headroom.test/gooom

go 1.19
